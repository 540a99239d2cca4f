// Compile baseline: the libseccomp work of compile(), done straight from C.
//
// Reads a rule list written by the bench (from compile()'s resolved rules) and resolves the
// names to numbers once (compile() also asks libseccomp once per name and process), then N
// times: seccomp_init, the same attributes and arches, seccomp_rule_add_array for every
// rule, BPF export, release: the floor for what compile() does. Prints one line per iteration with its
// time in nanoseconds. Written in C style; built as C++ only because native/seccomp_abi.h
// (our own ABI declarations, so no libseccomp-dev is needed) is a C++ header.
//
// Usage: compile_baseline RULES_FILE ITERATIONS [OUT_BPF]
// RULES_FILE lines (numbers in C notation, '#' starts a comment):
//   default ACTION          seccomp_init's default action
//   attr ATTR VALUE         seccomp_attr_set
//   arch NAME               libseccomp arch name; the native arch is dropped unless listed
//   rule ACTION NAME N [ARG OP A B]xN
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "seccomp_abi.h"

namespace {

struct Rule {
  uint32_t action;
  char name[64];
  int nr;
  unsigned n;
  scmp::arg_cmp conds[6];
};

struct Spec {
  uint32_t def;
  unsigned nattrs;
  int attr[16];
  uint32_t attr_val[16];
  unsigned narches;
  char arches[8][32];
  unsigned nrules;
  Rule *rules;
};

struct Lib {
  scmp::fn_init init;
  scmp::fn_release release;
  scmp::fn_attr_set attr_set;
  scmp::fn_arch_resolve_name arch_resolve_name;
  scmp::fn_arch_native arch_native;
  scmp::fn_arch_exist arch_exist;
  scmp::fn_arch_add arch_add;
  scmp::fn_arch_remove arch_remove;
  scmp::fn_syscall_resolve_name_arch resolve_name_arch;
  scmp::fn_rule_add_array rule_add_array;
  scmp::fn_export_fd export_bpf;
  scmp::fn_export_bpf_mem export_bpf_mem;  // libseccomp >= 2.6 only
};

[[noreturn]] void die(const char *what, long detail) {
  fprintf(stderr, "compile_baseline: %s (%ld)\n", what, detail);
  exit(1);
}

void *need(void *h, const char *name) {
  void *p = dlsym(h, name);
  if (!p) die(name, 0);
  return p;
}

void load(Lib *l) {
  void *h = dlopen("libseccomp.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!h) die("dlopen libseccomp.so.2 failed", 0);
  l->init = (scmp::fn_init)need(h, "seccomp_init");
  l->release = (scmp::fn_release)need(h, "seccomp_release");
  l->attr_set = (scmp::fn_attr_set)need(h, "seccomp_attr_set");
  l->arch_resolve_name = (scmp::fn_arch_resolve_name)need(h, "seccomp_arch_resolve_name");
  l->arch_native = (scmp::fn_arch_native)need(h, "seccomp_arch_native");
  l->arch_exist = (scmp::fn_arch_exist)need(h, "seccomp_arch_exist");
  l->arch_add = (scmp::fn_arch_add)need(h, "seccomp_arch_add");
  l->arch_remove = (scmp::fn_arch_remove)need(h, "seccomp_arch_remove");
  l->resolve_name_arch = (scmp::fn_syscall_resolve_name_arch)need(h, "seccomp_syscall_resolve_name_arch");
  l->rule_add_array = (scmp::fn_rule_add_array)need(h, "seccomp_rule_add_array");
  l->export_bpf = (scmp::fn_export_fd)need(h, "seccomp_export_bpf");
  l->export_bpf_mem = (scmp::fn_export_bpf_mem)dlsym(h, "seccomp_export_bpf_mem");
}

void parse(const Lib *l, const char *path, Spec *s) {
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open rules file", 0);
  memset(s, 0, sizeof *s);
  unsigned cap = 512;
  s->rules = (Rule *)calloc(cap, sizeof(Rule));
  char line[4096];
  unsigned lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *save = nullptr;
    char *kw = strtok_r(line, " \t\r\n", &save);
    if (!kw || kw[0] == '#') continue;
    auto next = [&]() -> char * {
      char *t = strtok_r(nullptr, " \t\r\n", &save);
      if (!t) die("rules file: missing field on line", lineno);
      return t;
    };
    if (!strcmp(kw, "default")) {
      s->def = (uint32_t)strtoul(next(), nullptr, 0);
    } else if (!strcmp(kw, "attr")) {
      if (s->nattrs == 16) die("too many attrs", lineno);
      s->attr[s->nattrs] = (int)strtol(next(), nullptr, 0);
      s->attr_val[s->nattrs++] = (uint32_t)strtoul(next(), nullptr, 0);
    } else if (!strcmp(kw, "arch")) {
      if (s->narches == 8) die("too many arches", lineno);
      snprintf(s->arches[s->narches++], 32, "%s", next());
    } else if (!strcmp(kw, "rule")) {
      if (s->nrules == cap) {
        cap *= 2;
        s->rules = (Rule *)realloc(s->rules, cap * sizeof(Rule));
      }
      Rule *r = &s->rules[s->nrules++];
      memset(r, 0, sizeof *r);
      r->action = (uint32_t)strtoul(next(), nullptr, 0);
      snprintf(r->name, sizeof r->name, "%s", next());
      r->nr = l->resolve_name_arch(0, r->name);  // 0: SCMP_ARCH_NATIVE
      if (r->nr == scmp::NR_SCMP_ERROR) die("unknown syscall in rules file, line", lineno);
      r->n = (unsigned)strtoul(next(), nullptr, 0);
      if (r->n > 6) die("more than 6 conditions", lineno);
      for (unsigned i = 0; i < r->n; i++) {
        r->conds[i].arg = (unsigned)strtoul(next(), nullptr, 0);
        r->conds[i].op = (scmp::compare)strtol(next(), nullptr, 0);
        r->conds[i].datum_a = strtoull(next(), nullptr, 0);
        r->conds[i].datum_b = strtoull(next(), nullptr, 0);
      }
    } else {
      die("rules file: unknown keyword on line", lineno);
    }
  }
  fclose(f);
}

// One compile; returns the BPF bytes (malloc'd) and their length.
unsigned char *build(const Lib *l, const Spec *s, size_t *len) {
  scmp::filter_ctx ctx = l->init(s->def);
  if (!ctx) die("seccomp_init failed", 0);
  for (unsigned i = 0; i < s->nattrs; i++) {
    int rc = l->attr_set(ctx, (scmp::attr)s->attr[i], s->attr_val[i]);
    if (rc < 0) die("seccomp_attr_set failed", rc);
  }
  uint32_t native = l->arch_native();
  bool keep_native = s->narches == 0;
  for (unsigned i = 0; i < s->narches; i++) {
    uint32_t t = l->arch_resolve_name(s->arches[i]);
    if (!t) die("unknown arch", (long)i);
    if (t == native) {
      keep_native = true;
      continue;
    }
    if (l->arch_exist(ctx, t) != 0) {
      int rc = l->arch_add(ctx, t);
      if (rc < 0) die("seccomp_arch_add failed", rc);
    }
  }
  if (!keep_native) {
    int rc = l->arch_remove(ctx, native);
    if (rc < 0) die("seccomp_arch_remove failed", rc);
  }
  for (unsigned i = 0; i < s->nrules; i++) {
    const Rule *r = &s->rules[i];
    int rc = l->rule_add_array(ctx, r->action, r->nr, r->n, r->conds);
    if (rc < 0) {
      fprintf(stderr, "compile_baseline: rule %u (%s) refused\n", i, r->name);
      die("seccomp_rule_add_array failed", rc);
    }
  }
  unsigned char *out = nullptr;
  if (l->export_bpf_mem) {
    int rc = l->export_bpf_mem(ctx, nullptr, len);
    if (rc < 0) die("seccomp_export_bpf_mem failed", rc);
    out = (unsigned char *)malloc(*len);
    rc = l->export_bpf_mem(ctx, out, len);
    if (rc < 0) die("seccomp_export_bpf_mem failed", rc);
  } else {
    // libseccomp 2.5 exports to an fd only: the same memfd round trip the addon makes.
    int fd = memfd_create("bench-export", MFD_CLOEXEC);
    if (fd < 0) die("memfd_create failed", 0);
    int rc = l->export_bpf(ctx, fd);
    if (rc < 0) die("seccomp_export_bpf failed", rc);
    off_t size = lseek(fd, 0, SEEK_END);
    out = (unsigned char *)malloc(size > 0 ? size : 1);
    if (pread(fd, out, size, 0) != size) die("reading the export failed", 0);
    close(fd);
    *len = (size_t)size;
  }
  l->release(ctx);
  return out;
}

long long now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: compile_baseline RULES_FILE ITERATIONS [OUT_BPF]\n");
    return 2;
  }
  Lib l;
  load(&l);
  Spec s;
  parse(&l, argv[1], &s);
  long iters = strtol(argv[2], nullptr, 0);
  size_t len = 0;
  free(build(&l, &s, &len));  // warm-up: page in libseccomp, fill its syscall tables' caches
  unsigned char *last = nullptr;
  for (long i = 0; i < iters; i++) {
    free(last);
    long long t0 = now_ns();
    last = build(&l, &s, &len);
    long long t1 = now_ns();
    printf("%lld\n", t1 - t0);
  }
  if (argc > 3 && last) {
    FILE *f = fopen(argv[3], "wb");
    if (!f || fwrite(last, 1, len, f) != len || fclose(f) != 0) die("writing the BPF failed", 0);
  }
  free(last);
  return 0;
}
