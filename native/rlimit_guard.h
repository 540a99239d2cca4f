/*
 * The resource-limit guard: a small seccomp program, stacked under the profile's, that keeps a
 * sandbox from setting the limits of another process. prlimit64(pid, new, ...) needs only the
 * same uid, and Landlock does not cover it, yet RLIMIT_CPU or RLIMIT_FSIZE set on the parent
 * makes the kernel kill it: a signal by proxy. Allowed: reading any limits (new == NULL) and
 * setting one's own (pid 0, or the pid the guard was built for). The pid argument is an int:
 * only its low 32 bits are compared, as the kernel reads it.
 *
 * Shared by the launcher (C, no libc) and the addon (C++): header-only, no library calls.
 */
#ifndef SECCOMP_RLIMIT_GUARD_H
#define SECCOMP_RLIMIT_GUARD_H

#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define RG_MAX_INSNS 24

#define RG_OFF_NR 0u
#define RG_OFF_ARCH 4u
#define RG_OFF_ARG_LO(i) (16u + 8u * (i))
#define RG_OFF_ARG_HI(i) (20u + 8u * (i))

struct rg_builder {
    struct sock_filter *insn;
    unsigned n;
};

static unsigned rg_emit(struct rg_builder *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
    struct sock_filter f;
    f.code = code;
    f.jt = jt;
    f.jf = jf;
    f.k = k;
    b->insn[b->n] = f;
    return b->n++;
}

/* Sets the jump of instruction `at` (true or false branch) to land on `target`. */
static void rg_patch(struct rg_builder *b, unsigned at, int true_branch, unsigned target)
{
    uint8_t off = (uint8_t)(target - at - 1);
    if (true_branch) b->insn[at].jt = off;
    else b->insn[at].jf = off;
}

/*
 * Writes the guard into out (RG_MAX_INSNS entries) for a process whose pid is self_pid;
 * returns the number of instructions, or 0 on an arch it does not know. As a prefix, the
 * final RET ALLOW is left out: what it allows falls through to the program placed after it,
 * so guard and profile make one filter (a second one would cost every syscall its run).
 */
static unsigned rlimit_guard(struct sock_filter *out, uint32_t self_pid, int prefix)
{
    struct rg_builder b = {out, 0};
    unsigned to_check[3], n_check = 0, to_allow[4], n_allow = 0;
#if defined(__x86_64__)
    const uint32_t arch = 0xC000003Eu, nr = 302, compat_arch = 0x40000003u, compat_nr = 340;
    const uint32_t x32_nr = 0x40000000u | 302;
#elif defined(__aarch64__) && defined(__AARCH64EL__)
    const uint32_t arch = 0xC00000B7u, nr = 261, compat_arch = 0x40000028u, compat_nr = 369;
    const uint32_t x32_nr = 0;
#else
    (void)self_pid;
    (void)prefix;
    (void)to_check;
    (void)n_check;
    (void)to_allow;
    (void)n_allow;
    return 0;
#endif
#if defined(__x86_64__) || (defined(__aarch64__) && defined(__AARCH64EL__))
    rg_emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, RG_OFF_ARCH);
    unsigned is_native = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, arch);
    rg_emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, RG_OFF_NR);
    rg_patch(&b, is_native, 1, b.n - 1);
    unsigned j = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, nr);
    to_check[n_check++] = j;
    if (x32_nr) {
        rg_patch(&b, j, 0, b.n);
        j = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, x32_nr);
        to_check[n_check++] = j;
    }
    to_allow[n_allow++] = j; /* false branch: another syscall */
    rg_patch(&b, is_native, 0, b.n);
    unsigned is_compat = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, compat_arch);
    to_allow[n_allow++] = is_compat; /* false: another arch, the profile decides */
    rg_emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, RG_OFF_NR);
    j = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, compat_nr);
    to_check[n_check++] = j;
    to_allow[n_allow++] = j;

    /* prlimit64(pid, new, old): reading is free; setting only for oneself. */
    unsigned check = rg_emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, RG_OFF_ARG_LO(2));
    unsigned new_lo = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0);
    rg_emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, RG_OFF_ARG_HI(2));
    unsigned new_hi = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0);
    unsigned pid = rg_emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, RG_OFF_ARG_LO(0));
    rg_patch(&b, new_lo, 0, pid);
    rg_patch(&b, new_hi, 0, pid);
    unsigned pid0 = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0);
    unsigned pid_self = rg_emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, self_pid);
    unsigned deny = rg_emit(&b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | 1u /* EPERM */);
    unsigned allow = rg_emit(&b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
    rg_patch(&b, new_lo, 1, new_lo + 1);
    rg_patch(&b, new_hi, 1, allow);
    rg_patch(&b, pid0, 1, allow);
    rg_patch(&b, pid0, 0, pid_self);
    rg_patch(&b, pid_self, 1, allow);
    rg_patch(&b, pid_self, 0, deny);
    for (unsigned i = 0; i < n_check; i++) rg_patch(&b, to_check[i], 1, check);
    for (unsigned i = 0; i < n_allow; i++) rg_patch(&b, to_allow[i], 0, allow);
    return prefix ? b.n - 1 : b.n;
#endif
}

#endif
