// Per-syscall cost: optionally installs a BPF program (no_new_privs + seccomp(2)), then
// times tight loops of raw syscalls. Prints "<name> <ns per call>" once per batch.
//
// Usage: syscall_loop [BPF_FILE|-] CALLS_PER_BATCH BATCHES
//   getppid          no argument check in docker-default (constant-action cache candidate)
//   personality      personality(0xffffffff): allowed by docker-default after an argument check
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void install(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror("syscall_loop: open BPF");
    exit(1);
  }
  static struct sock_filter prog[BPF_MAXINSNS];
  size_t n = fread(prog, sizeof prog[0], BPF_MAXINSNS, f);
  fclose(f);
  if (n == 0) {
    fprintf(stderr, "syscall_loop: empty BPF file\n");
    exit(1);
  }
  struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    perror("syscall_loop: prctl(PR_SET_NO_NEW_PRIVS)");
    exit(1);
  }
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
    perror("syscall_loop: seccomp(SECCOMP_SET_MODE_FILTER)");
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: syscall_loop BPF_FILE|- CALLS_PER_BATCH BATCHES\n");
    return 2;
  }
  if (argv[1][0] != '-') install(argv[1]);
  long calls = strtol(argv[2], NULL, 0);
  long batches = strtol(argv[3], NULL, 0);
  // personality(0xffffffff) only reads the persona; a failure here means the filter denied it.
  if (syscall(SYS_personality, 0xffffffffUL) < 0) {
    perror("syscall_loop: personality(0xffffffff)");
    return 1;
  }
  for (long b = 0; b < batches; b++) {
    long long t0 = now_ns();
    for (long i = 0; i < calls; i++) syscall(SYS_getppid);
    long long t1 = now_ns();
    for (long i = 0; i < calls; i++) syscall(SYS_personality, 0xffffffffUL);
    long long t2 = now_ns();
    printf("getppid %.2f\npersonality %.2f\n", (double)(t1 - t0) / calls, (double)(t2 - t1) / calls);
  }
  return 0;
}
