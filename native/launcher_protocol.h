/*
 * The contract between the launcher (launcher.c) and the Node parent (src/launch/protocol.ts,
 * which mirrors every value here; test/40-launch-protocol.test.ts parses this file and checks
 * that the two agree). Plain #defines only, one a line, so that the parse stays trivial.
 *
 * argv:
 *   seccomp-launcher BPF_FD ERR_FD FLAGS CAPS ISOLATE LISTEN_FD FILE ARGV0 [ARG...]
 *
 *   BPF_FD    fd holding the program (struct sock_filter[]), read with pread from offset 0;
 *             "-" = no filter
 *   ERR_FD    where a failure before exec is reported (made close-on-exec by the launcher)
 *   FLAGS     SECCOMP_FILTER_FLAG_* bits for seccomp(2), decimal
 *   CAPS      capabilities the command keeps, as a hex bit mask; "-" = leave them
 *   ISOLATE   "-" = none, else "SCOPED:FS:GUARD" (hex); see launcher.c
 *   LISTEN_FD "-" = none, else a unix socket: FLAGS must hold NEW_LISTENER, and the listener
 *             the kernel returns is sent over it (SCM_RIGHTS, one byte LP_LISTENER_BYTE)
 *             right after the filter is installed and before exec. The launcher never closes
 *             the listener itself: the kernel made it close-on-exec, so exec drops it.
 *   FILE      the command, resolved on the PATH of this environment
 *
 * Every descriptor the parent passes is a stdio entry after the caller's own; the parent
 * puts them in the order BPF, ERR, LISTEN (LP_EXTRA_FDS of them).
 *
 * Error record, written once to ERR_FD before exiting LP_EXIT_FAILURE:
 *   STAGE<TAB>ERRNO<TAB>MESSAGE<NEWLINE>    (ERRNO decimal, positive; MESSAGE has no newline)
 */
#ifndef SECCOMP_LAUNCHER_PROTOCOL_H
#define SECCOMP_LAUNCHER_PROTOCOL_H

/* argv positions */
#define LP_ARG_BPF_FD 1
#define LP_ARG_ERR_FD 2
#define LP_ARG_FLAGS 3
#define LP_ARG_CAPS 4
#define LP_ARG_ISOLATE 5
#define LP_ARG_LISTEN_FD 6
#define LP_ARG_FILE 7
#define LP_ARG_ARGV0 8
#define LP_MIN_ARGC 9

/* descriptors after the caller's stdio, in this order */
#define LP_EXTRA_FDS 3
#define LP_EXTRA_BPF 0
#define LP_EXTRA_ERR 1
#define LP_EXTRA_LISTEN 2

/* the byte sent with the listener fd */
#define LP_LISTENER_BYTE 76

/* exit status of a launcher that reported a failure */
#define LP_EXIT_FAILURE 127

/* the error record's separators and the longest stage name */
#define LP_FIELD_SEP 9
#define LP_RECORD_END 10
#define LP_STAGE_MAX 32

/* stages: where a failure happened, in the order the launcher runs them */
#define LP_STAGE_USAGE "usage"
#define LP_STAGE_BPF "bpf"
#define LP_STAGE_EXEC "exec"
#define LP_STAGE_CAPS "caps"
#define LP_STAGE_NNP "nnp"
#define LP_STAGE_ISOLATION "isolation"
#define LP_STAGE_SECCOMP "seccomp"
#define LP_STAGE_LISTENER "listener"
#define LP_STAGE_EXECVE "execve"

#endif
