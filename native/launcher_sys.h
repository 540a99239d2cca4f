/*
 * The launcher's system call wrappers (each returns the result, or -errno) and its entry points,
 * in two builds: LAUNCHER_NOLIBC (x86_64, raw system calls, its own _start, static) and against
 * the libc (other arches, and the copy linked into the addon: LAUNCHER_EMBEDDED). Included once,
 * by launcher.c, before the steps that use them.
 */
#ifndef SECCOMP_LAUNCHER_SYS_H
#define SECCOMP_LAUNCHER_SYS_H

#ifdef LAUNCHER_NOLIBC

#if !defined(__x86_64__)
#error "LAUNCHER_NOLIBC is implemented for x86_64 only; build without it elsewhere"
#endif
#include <asm/stat.h>
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/fcntl.h>

static long sc(long n, long a, long b, long c, long d, long e)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

static long sys_pread(int fd, void *buf, size_t n, long off) { return sc(__NR_pread64, fd, (long)buf, (long)n, off, 0); }
static long sys_read(int fd, void *buf, size_t n) { return sc(__NR_read, fd, (long)buf, (long)n, 0, 0); }
static long sys_write(int fd, const void *buf, size_t n) { return sc(__NR_write, fd, (long)buf, (long)n, 0, 0); }
static long sys_open(const char *path, int flags) { return sc(__NR_openat, AT_FDCWD, (long)path, flags, 0, 0); }
static long sys_close(int fd) { return sc(__NR_close, fd, 0, 0, 0, 0); }
static long sys_cloexec(int fd) { return sc(__NR_fcntl, fd, F_SETFD, FD_CLOEXEC, 0, 0); }
static long sys_access_x(const char *path) { return sc(__NR_faccessat, AT_FDCWD, (long)path, 1 /* X_OK */, 0, 0); }
static long sys_prctl(long op, long a, long b) { return sc(__NR_prctl, op, a, b, 0, 0); }
static long sys_capget(void *hdr, void *data) { return sc(__NR_capget, (long)hdr, (long)data, 0, 0, 0); }
static long sys_capset(void *hdr, void *data) { return sc(__NR_capset, (long)hdr, (long)data, 0, 0, 0); }
static long sys_seccomp(unsigned op, unsigned flags, void *args) { return sc(__NR_seccomp, op, flags, (long)args, 0, 0); }
static long sys_execve(const char *path, char *const argv[], char *const envp[])
{
    return sc(__NR_execve, (long)path, (long)argv, (long)envp, 0, 0);
}
static long sys_open_path(const char *path) { return sc(__NR_openat, AT_FDCWD, (long)path, O_PATH | O_CLOEXEC | O_DIRECTORY, 0, 0); }
static long sys_ll_create(const void *attr, size_t size, unsigned flags) { return sc(444, (long)attr, (long)size, flags, 0, 0); }
static long sys_ll_add_rule(int fd, unsigned type, const void *attr) { return sc(445, fd, type, (long)attr, 0, 0); }
static long sys_ll_restrict(int fd) { return sc(446, fd, 0, 0, 0, 0); }
static long sys_getpid(void) { return sc(__NR_getpid, 0, 0, 0, 0, 0); }
static long sys_getuid(void) { return sc(__NR_getuid, 0, 0, 0, 0, 0); }
static long sys_geteuid(void) { return sc(__NR_geteuid, 0, 0, 0, 0, 0); }
static long sys_getsid(void) { return sc(__NR_getsid, 0, 0, 0, 0, 0); }
static long sys_ioctl(int fd, unsigned long cmd, void *arg) { return sc(__NR_ioctl, fd, (long)cmd, (long)arg, 0, 0); }
static long sys_sendmsg(int fd, const void *msg, int flags) { return sc(__NR_sendmsg, fd, (long)msg, flags, 0, 0); }
static long sys_file_mode(const char *path, unsigned *mode)
{
    struct stat st;
    long r = sc(__NR_newfstatat, AT_FDCWD, (long)path, (long)&st, 0, 0);
    if (r == 0) *mode = (unsigned)st.st_mode;
    return r;
}
/* After the filter, exit_group may be denied with an errno: then exit, then a trap. */
static __attribute__((noreturn)) void sys_exit(int code)
{
    sc(__NR_exit_group, code, 0, 0, 0, 0);
    sc(__NR_exit, code, 0, 0, 0, 0);
    __builtin_trap();
}

/* The compiler may emit calls to these for struct copies and zeroing; volatile keeps
 * it from turning the loops back into calls to themselves. */
void *memset(void *d, int c, size_t n)
{
    volatile unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}

static int launcher_main(int argc, char **argv, char **envp);

/* Entry from the kernel: the stack holds argc, argv[], NULL, envp[], NULL. */
__attribute__((used, noreturn, visibility("hidden"))) void start_c(long *sp);
void start_c(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    sys_exit(launcher_main(argc, argv, argv + argc + 1));
}
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call start_c\n"
        "  hlt\n");

#else /* against the libc */

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static long rc(long r) { return r < 0 ? -errno : r; }
static long sys_pread(int fd, void *buf, size_t n, long off) { return rc(pread(fd, buf, n, (off_t)off)); }
static long sys_read(int fd, void *buf, size_t n) { return rc(read(fd, buf, n)); }
static long sys_write(int fd, const void *buf, size_t n) { return rc(write(fd, buf, n)); }
static long sys_open(const char *path, int flags) { return rc(open(path, flags)); }
static long sys_close(int fd) { return rc(close(fd)); }
static long sys_cloexec(int fd) { return rc(fcntl(fd, F_SETFD, FD_CLOEXEC)); }
static long sys_access_x(const char *path) { return rc(access(path, X_OK)); }
static long sys_prctl(long op, long a, long b) { return rc(prctl((int)op, a, b, 0L, 0L)); }
static long sys_capget(void *hdr, void *data) { return rc(syscall(SYS_capget, hdr, data)); }
static long sys_capset(void *hdr, void *data) { return rc(syscall(SYS_capset, hdr, data)); }
static long sys_seccomp(unsigned op, unsigned flags, void *args) { return rc(syscall(SYS_seccomp, op, flags, args)); }
static long sys_execve(const char *path, char *const argv[], char *const envp[]) { return rc(execve(path, argv, envp)); }
static long sys_open_path(const char *path) { return rc(open(path, O_PATH | O_CLOEXEC | O_DIRECTORY)); }
static long sys_ll_create(const void *attr, size_t size, unsigned flags) { return rc(syscall(444, attr, size, flags)); }
static long sys_ll_add_rule(int fd, unsigned type, const void *attr) { return rc(syscall(445, fd, type, attr, 0)); }
static long sys_ll_restrict(int fd) { return rc(syscall(446, fd, 0)); }
static long sys_getpid(void) { return getpid(); }
static long sys_getuid(void) { return getuid(); }
static long sys_geteuid(void) { return geteuid(); }
static long sys_getsid(void) { return rc(getsid(0)); }
static long sys_ioctl(int fd, unsigned long cmd, void *arg) { return rc(ioctl(fd, cmd, arg)); }
static long sys_sendmsg(int fd, const void *msg, int flags) { return rc(syscall(SYS_sendmsg, fd, msg, flags)); }
static long sys_file_mode(const char *path, unsigned *mode)
{
    struct stat st;
    if (stat(path, &st) != 0) return -errno;
    *mode = (unsigned)st.st_mode;
    return 0;
}
static __attribute__((noreturn)) void sys_exit(int code) { _exit(code); }

static int launcher_main(int argc, char **argv, char **envp);
#ifdef LAUNCHER_EMBEDDED
/* The addon runs the same steps in a clone(CLONE_VM | CLONE_VFORK) child of its own
 * (spawn_direct.cc), without exec'ing this program first: only raw system calls through the
 * wrappers above, and the static buffers below are used under the addon's spawn lock. */
int seccomp_launcher_main(int argc, char **argv, char **envp);
int seccomp_launcher_main(int argc, char **argv, char **envp) { return launcher_main(argc, argv, envp); }
#else
extern char **environ;
int main(int argc, char **argv) { return launcher_main(argc, argv, environ); }
#endif

#endif

#endif
