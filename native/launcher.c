/*
 * seccomp-launcher: runs one command behind a ready seccomp-BPF program.
 *
 *   seccomp-launcher BPF_FD ERR_FD FLAGS CAPS FILE ARGV0 [ARG...]
 *
 *   BPF_FD  fd holding the program (struct sock_filter[]), read with pread from
 *           offset 0 (the open file is shared with other launchers); "-" = no filter
 *   ERR_FD  where a failure before exec is reported (closed on exec)
 *   FLAGS   SECCOMP_FILTER_FLAG_* bits for seccomp(2), decimal
 *   CAPS    capabilities the command keeps, as a hex bit mask; "-" = leave them
 *   FILE    the command, resolved on the PATH of this environment
 *
 * Order: read the program, resolve FILE, drop capabilities, no_new_privs, install
 * the filter, execve. Everything that can fail for a reason the caller can fix
 * happens before the filter exists, so errors are exact. A failure writes one
 * record "STAGE<TAB>ERRNO<TAB>MESSAGE\n" to ERR_FD and exits 127.
 * No libseccomp, no allocation after the program is read, single-threaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

extern char **environ;

static int err_fd = -1;

/* Reports a failure and exits 127; the parent turns the record into an 'error' event. */
static void fail(const char *stage, int e, const char *msg)
{
    char rec[PATH_MAX + 256];
    int n = snprintf(rec, sizeof rec, "%s\t%d\t%s\n", stage, e, msg);
    if (n > (int)sizeof rec - 1) n = (int)sizeof rec - 1;
    if (err_fd >= 0 && n > 0) {
        ssize_t w;
        do w = write(err_fd, rec, (size_t)n); while (w < 0 && errno == EINTR);
    }
    _exit(127);
}

static int parse_fd(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > INT_MAX) return -1;
    return (int)v;
}

/* Reads the whole program from fd (pread: the file offset is shared). */
static struct sock_filter *read_program(int fd, unsigned short *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0) fail("bpf", errno, "fstat on the BPF fd failed");
    size_t size = (size_t)st.st_size;
    if (size == 0 || size % sizeof(struct sock_filter) != 0 || size / sizeof(struct sock_filter) > BPF_MAXINSNS)
        fail("bpf", EINVAL, "the BPF program has an invalid length");
    struct sock_filter *prog = malloc(size);
    if (!prog) fail("bpf", ENOMEM, "out of memory");
    size_t off = 0;
    while (off < size) {
        ssize_t n = pread(fd, (char *)prog + off, size - off, (off_t)off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("bpf", n < 0 ? errno : EIO, "reading the BPF program failed");
        off += (size_t)n;
    }
    *len = (unsigned short)(size / sizeof(struct sock_filter));
    return prog;
}

/* 0 when path is a regular file we may execute, else the errno execve would give. */
static int check_exec(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return errno;
    if (!S_ISREG(st.st_mode)) return EACCES;
    if (access(path, X_OK) != 0) return errno;
    return 0;
}

/* Resolves FILE like execvp: a name with '/' as is, else each PATH entry in order;
 * EACCES is remembered and reported when nothing else is found. */
static void resolve(const char *file, char *out)
{
    if (!*file) fail("exec", ENOENT, "empty command");
    if (strchr(file, '/')) {
        int e = check_exec(file);
        if (e) fail("exec", e, file);
        snprintf(out, PATH_MAX, "%s", file);
        return;
    }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/local/bin:/usr/bin:/bin";
    int seen_eacces = 0;
    for (const char *p = path;; p++) {
        const char *colon = strchrnul(p, ':');
        size_t dlen = (size_t)(colon - p);
        int n = dlen ? snprintf(out, PATH_MAX, "%.*s/%s", (int)dlen, p, file)
                     : snprintf(out, PATH_MAX, "%s", file); /* empty entry = cwd */
        if (n > 0 && n < PATH_MAX) {
            int e = check_exec(out);
            if (!e) return;
            if (e == EACCES) seen_eacces = 1;
        }
        if (!*colon) break;
        p = colon;
    }
    fail("exec", seen_eacces ? EACCES : ENOENT, file);
}

static int last_cap(void)
{
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return CAP_LAST_CAP;
    char buf[16] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 ? atoi(buf) : CAP_LAST_CAP;
}

/* Keeps only the capabilities in keep: bounding set (when we may change it), ambient
 * cleared, then effective/permitted/inheritable. With no_new_privs set afterwards,
 * exec cannot add to the permitted set, so the command holds at most keep. */
static void drop_caps(uint64_t keep)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) != 0) fail("caps", errno, "capget failed");
    uint64_t eff = data[0].effective | ((uint64_t)data[1].effective << 32);
    int may_drop_bounding = (eff >> CAP_SETPCAP) & 1;
    int top = last_cap();
    for (int c = 0; c <= top && c < 64; c++) {
        if ((keep >> c) & 1) continue;
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1) continue;
        if (!may_drop_bounding) continue; /* no CAP_SETPCAP: permitted (below) + nnp bound it */
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0) fail("caps", errno, "prctl(PR_CAPBSET_DROP) failed");
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        fail("caps", errno, "clearing the ambient capabilities failed");
    for (int i = 0; i < 2; i++) {
        uint32_t k = (uint32_t)(keep >> (32 * i));
        data[i].permitted &= k;
        data[i].effective &= data[i].permitted;
        data[i].inheritable &= data[i].permitted;
    }
    if (syscall(SYS_capset, &hdr, data) != 0) fail("caps", errno, "capset failed");
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: seccomp-launcher BPF_FD ERR_FD FLAGS CAPS FILE ARGV0 [ARG...]\n");
        return 127;
    }
    err_fd = parse_fd(argv[2]);
    if (err_fd < 0) fail("usage", EINVAL, "bad ERR_FD");
    fcntl(err_fd, F_SETFD, FD_CLOEXEC);

    int bpf_fd = -1;
    if (strcmp(argv[1], "-") != 0 && (bpf_fd = parse_fd(argv[1])) < 0) fail("usage", EINVAL, "bad BPF_FD");
    char *end;
    errno = 0;
    unsigned long flags = strtoul(argv[3], &end, 10);
    if (errno || end == argv[3] || *end || flags > UINT32_MAX) fail("usage", EINVAL, "bad FLAGS");
    int set_caps = strcmp(argv[4], "-") != 0;
    uint64_t keep = 0;
    if (set_caps) {
        errno = 0;
        keep = strtoull(argv[4], &end, 16);
        if (errno || end == argv[4] || *end) fail("usage", EINVAL, "bad CAPS");
    }

    struct sock_fprog prog = {0, NULL};
    if (bpf_fd >= 0) {
        prog.filter = read_program(bpf_fd, &prog.len);
        close(bpf_fd);
    }

    static char path[PATH_MAX];
    resolve(argv[5], path);

    if (set_caps) drop_caps(keep);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("nnp", errno, "prctl(PR_SET_NO_NEW_PRIVS) failed");
    if (prog.filter && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned int)flags, &prog) < 0)
        fail("seccomp", errno, "the kernel refused the filter");

    execve(path, argv + 6, environ);
    /* Only the filter itself (or a race on the file) gets here: report what execve said. */
    fail("exec", errno, path);
    return 127;
}
