/*
 * The tree guard: a short seccomp program put in front of the profile's (one filter) that
 * stops what Landlock does not, with the same uid, towards processes outside the sandbox:
 *  - prlimit64(pid, new, ...) on another process: RLIMIT_CPU or RLIMIT_FSIZE set on the parent
 *    has the kernel kill it, a signal by proxy. Reading any limits (new == NULL) and setting
 *    one's own (pid 0, or the pid the guard was built for) stay allowed.
 *  - ioctl(fd, TIOCSTI) and ioctl(fd, TIOCLINUX): typing into, or pasting from, a terminal the
 *    sandbox shares with the user's shell, which runs it after the sandbox exits.
 * Both refuse with EPERM. pid and the ioctl command are ints to the kernel: only their low
 * 32 bits are compared. Other syscalls, and other arches, fall through to the profile.
 *
 * Shared by the launcher (C, no libc) and the addon (C++): header-only, no library calls.
 */
#ifndef SECCOMP_TREE_GUARD_H
#define SECCOMP_TREE_GUARD_H

#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define TG_MAX_INSNS 48

#define TG_OFF_NR 0u
#define TG_OFF_ARCH 4u
#define TG_OFF_ARG_LO(i) (16u + 8u * (i))
#define TG_OFF_ARG_HI(i) (20u + 8u * (i))

#define TG_TIOCSTI 0x5412u
#define TG_TIOCLINUX 0x541Cu

enum tg_kind { TG_PRLIMIT, TG_IOCTL };

struct tg_syscall {
    uint32_t nr;
    enum tg_kind kind;
};

struct tg_arch {
    uint32_t audit_arch;
    unsigned count;
    struct tg_syscall calls[4];
};

/* Native ABI first, then the compat ABIs a filter on this machine also sees. */
#if defined(__x86_64__)
#define TG_X32 0x40000000u
static const struct tg_arch tg_arches[] = {
    /* x86_64, and x32 (same AUDIT_ARCH, numbers with bit 30; x32's ioctl is 514) */
    {0xC000003Eu, 4, {{302, TG_PRLIMIT}, {TG_X32 | 302, TG_PRLIMIT}, {16, TG_IOCTL}, {TG_X32 | 514, TG_IOCTL}}},
    {0x40000003u, 2, {{340, TG_PRLIMIT}, {54, TG_IOCTL}}}, /* i386 */
};
#define TG_ARCHES 2
#elif defined(__aarch64__) && defined(__AARCH64EL__)
static const struct tg_arch tg_arches[] = {
    {0xC00000B7u, 2, {{261, TG_PRLIMIT}, {29, TG_IOCTL}}},
    {0x40000028u, 2, {{369, TG_PRLIMIT}, {54, TG_IOCTL}}}, /* arm (compat) */
};
#define TG_ARCHES 2
#else
#define TG_ARCHES 0
#endif

struct tg_builder {
    struct sock_filter *insn;
    unsigned n;
};

static unsigned tg_emit(struct tg_builder *b, uint16_t code, uint32_t k)
{
    struct sock_filter f;
    f.code = code;
    f.jt = 0;
    f.jf = 0;
    f.k = k;
    b->insn[b->n] = f;
    return b->n++;
}

/* Points the true or false branch of the jump at `at` to `target` (always forward). */
static void tg_jump(struct tg_builder *b, unsigned at, int when_true, unsigned target)
{
    uint8_t off = (uint8_t)(target - at - 1);
    if (when_true) b->insn[at].jt = off;
    else b->insn[at].jf = off;
}

/*
 * Writes the guard into out (TG_MAX_INSNS entries) for the process whose pid is self_pid;
 * returns its length, or 0 on an arch it does not know. As a prefix, the final RET ALLOW
 * is left out: what it allows falls through to the program placed after it.
 */
static unsigned tree_guard(struct sock_filter *out, uint32_t self_pid, int prefix)
{
#if TG_ARCHES == 0
    (void)out;
    (void)self_pid;
    (void)prefix;
    return 0;
#else
    struct tg_builder b = {out, 0};
    /* Jumps waiting for their target: [insn, branch] to the prlimit check, the ioctl check,
     * and to ALLOW. */
    unsigned to_prlimit[8][2], n_prlimit = 0, to_ioctl[8][2], n_ioctl = 0, to_allow[12][2], n_allow = 0;
    unsigned arch_jump[TG_ARCHES];

    tg_emit(&b, BPF_LD | BPF_W | BPF_ABS, TG_OFF_ARCH);
    for (unsigned a = 0; a < TG_ARCHES; a++) arch_jump[a] = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, tg_arches[a].audit_arch);
    to_allow[n_allow][0] = arch_jump[TG_ARCHES - 1]; /* no known arch: the profile decides */
    to_allow[n_allow++][1] = 0;
    for (unsigned a = 0; a + 1 < TG_ARCHES; a++) tg_jump(&b, arch_jump[a], 0, arch_jump[a] + 1);
    for (unsigned a = 0; a < TG_ARCHES; a++) {
        tg_jump(&b, arch_jump[a], 1, tg_emit(&b, BPF_LD | BPF_W | BPF_ABS, TG_OFF_NR));
        for (unsigned i = 0; i < tg_arches[a].count; i++) {
            unsigned j = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, tg_arches[a].calls[i].nr);
            if (tg_arches[a].calls[i].kind == TG_PRLIMIT) {
                to_prlimit[n_prlimit][0] = j;
                to_prlimit[n_prlimit++][1] = 1;
            } else {
                to_ioctl[n_ioctl][0] = j;
                to_ioctl[n_ioctl++][1] = 1;
            }
            if (i + 1 < tg_arches[a].count) tg_jump(&b, j, 0, j + 1);
            else {
                to_allow[n_allow][0] = j;
                to_allow[n_allow++][1] = 0;
            }
        }
    }

    /* ioctl(fd, cmd): the two terminal-injection commands. */
    unsigned ioctl_check = tg_emit(&b, BPF_LD | BPF_W | BPF_ABS, TG_OFF_ARG_LO(1));
    unsigned sti = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, TG_TIOCSTI);
    tg_jump(&b, sti, 0, sti + 1);
    unsigned linux_ = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, TG_TIOCLINUX);
    to_allow[n_allow][0] = linux_;
    to_allow[n_allow++][1] = 0;

    /* prlimit64(pid, resource, new, old): reading is free; setting only one's own. */
    unsigned prlimit_check = tg_emit(&b, BPF_LD | BPF_W | BPF_ABS, TG_OFF_ARG_LO(2));
    unsigned new_lo = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0);
    tg_jump(&b, new_lo, 1, new_lo + 1);
    tg_emit(&b, BPF_LD | BPF_W | BPF_ABS, TG_OFF_ARG_HI(2));
    unsigned new_hi = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0);
    to_allow[n_allow][0] = new_hi; /* new == NULL */
    to_allow[n_allow++][1] = 1;
    unsigned pid = tg_emit(&b, BPF_LD | BPF_W | BPF_ABS, TG_OFF_ARG_LO(0));
    tg_jump(&b, new_lo, 0, pid);
    tg_jump(&b, new_hi, 0, pid);
    unsigned pid0 = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0);
    tg_jump(&b, pid0, 0, pid0 + 1);
    to_allow[n_allow][0] = pid0;
    to_allow[n_allow++][1] = 1;
    unsigned pid_self = tg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, self_pid);
    to_allow[n_allow][0] = pid_self;
    to_allow[n_allow++][1] = 1;

    unsigned deny = tg_emit(&b, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1u /* EPERM */);
    tg_jump(&b, pid_self, 0, deny);
    tg_jump(&b, sti, 1, deny);
    tg_jump(&b, linux_, 1, deny);
    unsigned allow = tg_emit(&b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    for (unsigned i = 0; i < n_prlimit; i++) tg_jump(&b, to_prlimit[i][0], to_prlimit[i][1], prlimit_check);
    for (unsigned i = 0; i < n_ioctl; i++) tg_jump(&b, to_ioctl[i][0], to_ioctl[i][1], ioctl_check);
    for (unsigned i = 0; i < n_allow; i++) tg_jump(&b, to_allow[i][0], to_allow[i][1], allow);
    return prefix ? b.n - 1 : b.n;
#endif
}

#endif
