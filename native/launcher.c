/*
 * seccomp-launcher: runs one command behind a ready seccomp-BPF program.
 *
 *   seccomp-launcher BPF_FD ERR_FD FLAGS CAPS ISOLATE LISTEN_FD FILE ARGV0 [ARG...]
 *
 * (launcher_protocol.h holds the layout, the stage names and the fd hand-off, shared with
 * src/launch/protocol.ts.)
 *
 *   BPF_FD  fd holding the program (struct sock_filter[]), read with pread from
 *           offset 0 (the open file is shared with other launchers); "-" = no filter
 *   ERR_FD  where a failure before exec is reported (closed on exec)
 *   FLAGS   SECCOMP_FILTER_FLAG_* bits for seccomp(2), decimal
 *   CAPS    capabilities the command keeps, as a hex bit mask; "-" = leave them
 *   ISOLATE "-" = none, else "SCOPED:FS:GUARD" (hex): a Landlock domain for the command and its
 *           descendants. Any domain keeps them from ptrace-family access (ptrace,
 *           process_vm_*, /proc/PID/mem, pidfd_getfd, kcmp) to processes outside it; SCOPED
 *           are LANDLOCK_SCOPE_* bits (signals: ABI 6); FS, when the kernel has no scopes,
 *           is a filesystem right the domain handles and grants again beneath "/", since a
 *           domain before ABI 6 must handle something. GUARD 1 puts the tree
 *           guard (tree_guard.h) for this pid in front of the profile's program; no domain
 *           is made when SCOPED and FS are both 0
 *   LISTEN_FD "-", or a unix socket to which the filter's listener fd (NEW_LISTENER) is sent
 *           before exec, for the parent's supervisor
 *   FILE    the command, resolved on the PATH of this environment
 *
 * Order: read the program, resolve FILE, drop capabilities, no_new_privs, Landlock
 * domain (before the filter, which need not allow the landlock calls), install the
 * filter, send its listener (if any), execve. Everything that can fail for a reason the caller can fix
 * happens before the filter exists, so errors are exact. A failure writes one
 * record "STAGE<TAB>ERRNO<TAB>MESSAGE\n" to ERR_FD and exits 127 (LP_EXIT_FAILURE).
 *
 * It runs once per spawn, between two execs, so its start-up is on the critical path.
 * On x86_64 it is built without a libc (LAUNCHER_NOLIBC: raw system calls, its own
 * _start, static, no relocations): a libc's start-up alone (the dynamic loader, or
 * static glibc's initialisation with its CPUID probes, which trap in a VM) costs
 * more than everything the launcher does. Elsewhere it is built against the libc.
 * Either way: no allocation, no stdio, single-threaded; only the wrappers (launcher_sys.h) differ.
 */
#ifndef LAUNCHER_NOLIBC
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/limits.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>

#include "launcher_protocol.h"
#include "tree_guard.h"

#ifndef PR_GET_SECUREBITS
#define PR_GET_SECUREBITS 27
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define MODE_TYPE 0170000
#define MODE_REG 0100000

#include "launcher_sys.h"

/* ---- the launcher ------------------------------------------------------------------ */

static int err_fd = -1;

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Appends s (at most n bytes) at p, never past end; returns the new end. */
static char *put(char *p, char *end, const char *s, size_t n)
{
    while (n-- && *s && p < end) *p++ = *s++;
    return p;
}

static char *put_uint(char *p, char *end, unsigned long v)
{
    char digits[24];
    int i = 0;
    do digits[i++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    while (i > 0 && p < end) *p++ = digits[--i];
    return p;
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        long w = sys_write(fd, s, n);
        if (w == -EINTR) continue;
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

/* Reports a failure and exits 127; the parent turns the record into an 'error' event. */
static __attribute__((noreturn)) void fail(const char *stage, long e, const char *msg)
{
    static char rec[PATH_MAX + 256];
    char *end = rec + sizeof rec - 1; /* room for the newline */
    static const char sep[2] = {LP_FIELD_SEP, 0};
    char *p = put(rec, end, stage, LP_STAGE_MAX);
    p = put(p, end, sep, 1);
    p = put_uint(p, end, (unsigned long)(e < 0 ? -e : e));
    p = put(p, end, sep, 1);
    p = put(p, end, msg, sizeof rec);
    *p++ = LP_RECORD_END;
    if (err_fd >= 0) write_all(err_fd, rec, (size_t)(p - rec));
    sys_exit(LP_EXIT_FAILURE);
}

/* Parses an unsigned number in base 10 or 16 (the whole string, at most max); -1 if it is not one. */
static int parse_uint(const char *s, unsigned base, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
        else return -1;
        if (v > (max - d) / base) return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

static int parse_fd(const char *s)
{
    uint64_t v;
    return parse_uint(s, 10, 0x7fffffff, &v) == 0 ? (int)v : -1;
}

/* One instruction more than the kernel takes, so that an over-long program is seen. */
static struct sock_filter program[BPF_MAXINSNS + 1];

/* Reads the whole program from fd (pread: the file offset is shared). */
static unsigned short read_program(int fd)
{
    size_t cap = sizeof program, off = 0;
    for (;;) {
        long n = sys_pread(fd, (char *)program + off, cap - off, (long)off);
        if (n == -EINTR) continue;
        if (n < 0) fail(LP_STAGE_BPF, n, "reading the BPF program failed");
        if (n == 0) break;
        off += (size_t)n;
        if (off == cap) break;
    }
    if (off == 0 || off % sizeof(struct sock_filter) != 0 || off / sizeof(struct sock_filter) > BPF_MAXINSNS)
        fail(LP_STAGE_BPF, EINVAL, "the BPF program has an invalid length");
    return (unsigned short)(off / sizeof(struct sock_filter));
}

/* 0 when path is a regular file we may execute, else the errno execve would give. */
static long check_exec(const char *path)
{
    unsigned mode = 0;
    long r = sys_file_mode(path, &mode);
    if (r < 0) return -r;
    if ((mode & MODE_TYPE) != MODE_REG) return EACCES;
    r = sys_access_x(path);
    return r < 0 ? -r : 0;
}

static const char *env_path(char **envp)
{
    for (char **e = envp; *e; e++) {
        const char *s = *e;
        if (s[0] == 'P' && s[1] == 'A' && s[2] == 'T' && s[3] == 'H' && s[4] == '=') return s + 5;
    }
    return "/usr/local/bin:/usr/bin:/bin";
}

/* Resolves FILE like execvp: a name with '/' as is, else each PATH entry in order;
 * EACCES is remembered and reported when nothing else is found. */
static const char *resolve(const char *file, char **envp)
{
    static char out[PATH_MAX];
    if (!*file) fail(LP_STAGE_EXEC, ENOENT, "empty command");
    for (const char *c = file; *c; c++) {
        if (*c != '/') continue;
        long e = check_exec(file);
        if (e) fail(LP_STAGE_EXEC, e, file);
        return file;
    }
    size_t flen = slen(file);
    int seen_eacces = 0;
    const char *p = env_path(envp);
    for (;;) {
        const char *colon = p;
        while (*colon && *colon != ':') colon++;
        size_t dlen = (size_t)(colon - p);
        /* an empty entry is the working directory */
        if (dlen + 1 + flen < sizeof out) {
            char *q = out;
            for (size_t i = 0; i < dlen; i++) *q++ = p[i];
            if (dlen) *q++ = '/';
            for (size_t i = 0; i <= flen; i++) *q++ = file[i];
            long e = check_exec(out);
            if (!e) return out;
            if (e == EACCES) seen_eacces = 1;
        }
        if (!*colon) break;
        p = colon + 1;
    }
    fail(LP_STAGE_EXEC, seen_eacces ? EACCES : ENOENT, file);
}

static int last_cap(void)
{
    long fd = sys_open("/proc/sys/kernel/cap_last_cap", 0 /* O_RDONLY */);
    if (fd < 0) return CAP_LAST_CAP;
    char buf[16];
    long n = sys_read((int)fd, buf, sizeof buf - 1);
    sys_close((int)fd);
    if (n <= 0) return CAP_LAST_CAP;
    buf[n] = 0;
    if (buf[n - 1] == '\n') buf[n - 1] = 0;
    uint64_t v;
    return parse_uint(buf, 10, 63, &v) == 0 ? (int)v : CAP_LAST_CAP;
}

/* Keeps only the capabilities in keep: bounding set (when we may change it), ambient
 * cleared, then effective/permitted/inheritable. With no_new_privs set afterwards,
 * exec cannot add to the permitted set, so the command holds at most keep. */
static void drop_caps(uint64_t keep)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    long r = sys_capget(&hdr, data);
    if (r < 0) fail(LP_STAGE_CAPS, r, "capget failed");
    uint64_t eff = data[0].effective | ((uint64_t)data[1].effective << 32);
    int may_drop_bounding = (eff >> CAP_SETPCAP) & 1;
    int top = last_cap();
    for (int c = 0; c <= top && c < 64; c++) {
        if ((keep >> c) & 1) continue;
        if (sys_prctl(PR_CAPBSET_READ, c, 0) != 1) continue;
        if (!may_drop_bounding) continue; /* no CAP_SETPCAP: permitted (below) + nnp bound it */
        r = sys_prctl(PR_CAPBSET_DROP, c, 0);
        if (r < 0) fail(LP_STAGE_CAPS, r, "prctl(PR_CAPBSET_DROP) failed");
    }
    r = sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0);
    if (r < 0 && r != -EINVAL) fail(LP_STAGE_CAPS, r, "clearing the ambient capabilities failed");
    for (int i = 0; i < 2; i++) {
        uint32_t k = (uint32_t)(keep >> (32 * i));
        data[i].permitted &= k;
        data[i].effective &= data[i].permitted;
        data[i].inheritable &= data[i].permitted;
    }
    r = sys_capset(&hdr, data);
    if (r < 0) fail(LP_STAGE_CAPS, r, "capset failed");

    /* What the command will hold after exec (no_new_privs: never more than this permitted
     * set): a root command gets the bounding and inheritable sets, any other command only its
     * ambient set, empty here. The caller evaluated the profile against keep, so holding less
     * would leave capability-gated rules open for capabilities nobody holds: refuse. */
    r = sys_capget(&hdr, data);
    if (r < 0) fail(LP_STAGE_CAPS, r, "capget failed");
    uint64_t perm = data[0].permitted | ((uint64_t)data[1].permitted << 32);
    uint64_t inh = data[0].inheritable | ((uint64_t)data[1].inheritable << 32);
    uint64_t bnd = 0;
    for (int c = 0; c <= top && c < 64; c++)
        if (sys_prctl(PR_CAPBSET_READ, c, 0) == 1) bnd |= (uint64_t)1 << c;
    long secbits = sys_prctl(PR_GET_SECUREBITS, 0, 0);
    int noroot = secbits > 0 && (secbits & 1 /* SECBIT_NOROOT */);
    int root = (sys_getuid() == 0 || sys_geteuid() == 0) && !noroot;
    uint64_t held = root ? (bnd | inh) & perm : 0;
    if (keep & ~held) fail(LP_STAGE_CAPS, EPERM, "this process cannot give the command every capability the profile was evaluated against");
}

/* Landlock's uapi (landlock_create_ruleset and friends are 444-446 on every arch); declared
 * here because the build machine's headers may predate the fields we use. */
struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};
struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));
#define LL_RULE_PATH_BENEATH 1

/* Puts this process (single-threaded here) in a new Landlock domain; its exec'd command
 * and all their descendants stay in it. Needs no_new_privs (set before). */
static void isolate(uint64_t scoped, uint64_t fs)
{
    struct ll_ruleset_attr attr = {fs, 0, scoped};
    long ruleset = sys_ll_create(&attr, sizeof attr, 0);
    if (ruleset < 0) fail(LP_STAGE_ISOLATION, ruleset, "landlock_create_ruleset failed");
    if (fs) {
        long root = sys_open_path("/");
        if (root < 0) fail(LP_STAGE_ISOLATION, root, "opening / for the Landlock rule failed");
        struct ll_path_beneath_attr rule = {fs, (int32_t)root};
        long r = sys_ll_add_rule((int)ruleset, LL_RULE_PATH_BENEATH, &rule);
        sys_close((int)root);
        if (r < 0) fail(LP_STAGE_ISOLATION, r, "landlock_add_rule failed");
    }
    long r = sys_ll_restrict((int)ruleset);
    if (r < 0) fail(LP_STAGE_ISOLATION, r, "landlock_restrict_self failed");
    sys_close((int)ruleset);
}

#define LT_TCGETS 0x5401
#define LT_TIOCNOTTY 0x5422

/* A command given no terminal on stdio still has the caller's controlling terminal, reachable
 * through /dev/tty: from there it could take the foreground (TIOCSPGRP) and have the kernel
 * stop or signal the caller's process group. Such a command gives the terminal up; it stays in
 * the caller's process group and session (so a terminal's ^C still reaches it). */
static void drop_unused_terminal(void)
{
    char termios[64];
    for (int fd = 0; fd < 3; fd++)
        if (sys_ioctl(fd, LT_TCGETS, termios) == 0) return; /* it was given the terminal */
    if (sys_getsid() == sys_getpid()) return; /* a session leader would hang up its group */
    long tty = sys_open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0) return; /* no controlling terminal */
    long r = sys_ioctl((int)tty, LT_TIOCNOTTY, 0);
    sys_close((int)tty);
    if (r < 0) fail(LP_STAGE_ISOLATION, r, "giving up the controlling terminal failed");
}

/* struct user_msghdr and cmsghdr as the kernel reads them (declared here: the libc-free
 * build has no <sys/socket.h>). */
struct lp_iovec {
    void *base;
    size_t len;
};
struct lp_msghdr {
    void *name;
    int namelen;
    struct lp_iovec *iov;
    size_t iovlen;
    void *control;
    size_t controllen;
    unsigned flags;
};
struct lp_cmsg_fd {
    size_t len;
    int level;
    int type;
    int fd;
    int pad; /* CMSG_SPACE(sizeof(int)) rounds up to the size_t alignment */
};
#define LP_SOL_SOCKET 1
#define LP_SCM_RIGHTS 1
#define LP_MSG_NOSIGNAL 0x4000

/* Sends the listener to the parent's supervisor. The first system call after the filter: the
 * parent refuses profiles that notify sendmsg (it could not answer before it has the fd), as
 * runc refuses notifying write. A failure here is reported and the command is not run. */
static void send_listener(int sock, int listener)
{
    char byte = LP_LISTENER_BYTE;
    struct lp_iovec iov = {&byte, 1};
    struct lp_cmsg_fd c = {offsetof(struct lp_cmsg_fd, fd) + sizeof(int), LP_SOL_SOCKET, LP_SCM_RIGHTS, listener, 0};
    struct lp_msghdr m = {NULL, 0, &iov, 1, &c, sizeof c, 0};
    long r;
    do r = sys_sendmsg(sock, &m, LP_MSG_NOSIGNAL); while (r == -EINTR);
    if (r != 1) fail(LP_STAGE_LISTENER, r < 0 ? r : EIO, "sending the listener fd to the supervisor failed");
}

static int launcher_main(int argc, char **argv, char **envp)
{
    if (argc < LP_MIN_ARGC) {
        static const char usage[] = "usage: seccomp-launcher BPF_FD ERR_FD FLAGS CAPS ISOLATE LISTEN_FD FILE ARGV0 [ARG...]\n";
        write_all(2, usage, sizeof usage - 1);
        return LP_EXIT_FAILURE;
    }
    err_fd = parse_fd(argv[LP_ARG_ERR_FD]);
    if (err_fd < 0) fail(LP_STAGE_USAGE, EINVAL, "bad ERR_FD");
    sys_cloexec(err_fd);

    int bpf_fd = -1;
    if (!(argv[LP_ARG_BPF_FD][0] == '-' && argv[LP_ARG_BPF_FD][1] == 0) && (bpf_fd = parse_fd(argv[LP_ARG_BPF_FD])) < 0) fail(LP_STAGE_USAGE, EINVAL, "bad BPF_FD");
    uint64_t flags;
    if (parse_uint(argv[LP_ARG_FLAGS], 10, UINT32_MAX, &flags) != 0) fail(LP_STAGE_USAGE, EINVAL, "bad FLAGS");
    int set_caps = !(argv[LP_ARG_CAPS][0] == '-' && argv[LP_ARG_CAPS][1] == 0);
    uint64_t keep = 0;
    if (set_caps && parse_uint(argv[LP_ARG_CAPS], 16, UINT64_MAX, &keep) != 0) fail(LP_STAGE_USAGE, EINVAL, "bad CAPS");
    uint64_t iso[3] = {0, 0, 0}; /* SCOPED, FS, GUARD */
    if (!(argv[LP_ARG_ISOLATE][0] == '-' && argv[LP_ARG_ISOLATE][1] == 0)) {
        char *field = argv[LP_ARG_ISOLATE];
        for (int i = 0; i < 3; i++) {
            char *end = field;
            while (*end && *end != ':') end++;
            if ((i < 2) != (*end == ':')) fail(LP_STAGE_USAGE, EINVAL, "bad ISOLATE");
            *end = 0;
            if (parse_uint(field, 16, UINT64_MAX, &iso[i]) != 0) fail(LP_STAGE_USAGE, EINVAL, "bad ISOLATE");
            field = end + 1;
        }
        if (iso[2] > 1) fail(LP_STAGE_USAGE, EINVAL, "bad ISOLATE");
    }
    int listen_fd = -1;
    if (!(argv[LP_ARG_LISTEN_FD][0] == '-' && argv[LP_ARG_LISTEN_FD][1] == 0)) {
        if ((listen_fd = parse_fd(argv[LP_ARG_LISTEN_FD])) < 0) fail(LP_STAGE_USAGE, EINVAL, "bad LISTEN_FD");
        if (!(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) || bpf_fd < 0) fail(LP_STAGE_USAGE, EINVAL, "LISTEN_FD without a NEW_LISTENER filter");
        sys_cloexec(listen_fd);
    } else if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        fail(LP_STAGE_USAGE, EINVAL, "a NEW_LISTENER filter needs LISTEN_FD");
    }

    struct sock_fprog prog = {0, NULL};
    if (bpf_fd >= 0) {
        prog.len = read_program(bpf_fd);
        prog.filter = program;
        sys_close(bpf_fd);
    }

    const char *path = resolve(argv[LP_ARG_FILE], envp);

    if (set_caps) drop_caps(keep);
    /* Neither filter nor guards (unconfined, isolation none): no no_new_privs either, as with
     * Docker's seccomp=unconfined; the dropped bounding set still bounds what exec gives. */
    long r = 0;
    if (bpf_fd >= 0 || iso[0] || iso[1] || iso[2]) r = sys_prctl(PR_SET_NO_NEW_PRIVS, 1, 0);
    if (r < 0) fail(LP_STAGE_NNP, r, "prctl(PR_SET_NO_NEW_PRIVS) failed");
    if (iso[0] || iso[1]) isolate(iso[0], iso[1]);
    if (iso[2]) drop_unused_terminal();
    if (iso[2]) {
        /* The guard goes in front of the profile's program, in one filter; alone when there
         * is no profile. */
        struct sock_filter guard[TG_MAX_INSNS];
        unsigned glen = tree_guard(guard, (uint32_t)sys_getpid(), prog.filter != NULL);
        if (glen == 0) fail(LP_STAGE_ISOLATION, EINVAL, "no tree guard for this architecture");
        if (prog.len + glen > BPF_MAXINSNS) fail(LP_STAGE_ISOLATION, E2BIG, "the program is too long to add the tree guard");
        for (unsigned i = prog.len; i-- > 0;) program[i + glen] = program[i];
        for (unsigned i = 0; i < glen; i++) program[i] = guard[i];
        prog.len = (unsigned short)(prog.len + glen);
        prog.filter = program;
    }
    if (prog.filter && (r = sys_seccomp(SECCOMP_SET_MODE_FILTER, (unsigned)flags, &prog)) < 0)
        fail(LP_STAGE_SECCOMP, r, "the kernel refused the filter");
    /* seccomp returned the listener (close-on-exec, from the kernel): exec will drop it. */
    if (listen_fd >= 0) send_listener(listen_fd, (int)r);

    r = sys_execve(path, argv + LP_ARG_ARGV0, envp);
    /* A file the kernel cannot run (no "#!", not ELF) is a shell script to execvp, and so to
     * child_process: /bin/sh runs it, with its path as $0 and the arguments after (ARGV0 goes,
     * as with execvp). FILE's and ARGV0's slots take the two new words. */
    if (r == -ENOEXEC) {
        static char sh[] = "/bin/sh";
        char **script = argv + LP_ARG_FILE;
        script[0] = sh;
        script[1] = (char *)path;
        r = sys_execve(sh, script, envp);
    }
    /* Only the filter itself (or a race on the file) gets here: report what execve said, as
     * stage "execve" when a filter is attached (the parent then looks at the profile). */
    fail(prog.filter ? LP_STAGE_EXECVE : LP_STAGE_EXEC, r, path);
}
