/* The launcher's steps, linked into the addon (spawn_direct.cc runs them in its own child
 * instead of exec'ing seccomp-launcher first). Same source, built against the libc. */
#define LAUNCHER_EMBEDDED
#include "launcher.c"
