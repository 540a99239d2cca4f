# seccomp: the N-API addon over libseccomp (opened at run time with dlopen, so no
# libseccomp-dev is needed to build), and the small launcher that installs a BPF
# program in a child before exec. Linux only; elsewhere nothing is built.
{
  "targets": [
    {
      "target_name": "seccomp",
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "native/addon.cc",
            "native/caps.cc",
            "native/common.cc",
            "native/errors.cc",
            "native/filter.cc",
            "native/isolation.cc",
            "native/launcher_embedded.c",
            "native/lib.cc",
            "native/notify.cc",
            "native/process.cc",
            "native/spawn_direct.cc",
            "native/supervisor.cc",
            "native/threads.cc"
          ],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
          "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
          "cflags_cc!": ["-fno-exceptions"],
          "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
          "libraries": ["-ldl"]
        }]
      ]
    },
    {
      "target_name": "seccomp-launcher",
      "type": "executable",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/launcher.c"],
          "cflags!": ["-O3"],
          "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra"],
          "conditions": [
            # It runs between two execs on every spawn: on x86_64 it has no libc and is
            # linked static (nothing to load or relocate). Needs only the compiler and
            # the kernel's uapi headers, no libc.a. Other arches use the libc.
            ["target_arch=='x64'", {
              "defines": ["LAUNCHER_NOLIBC"],
              "cflags!": ["-fPIC", "-pthread"],
              "cflags": ["-ffreestanding", "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fno-pie"],
              "ldflags!": ["-rdynamic", "-pthread"],
              "ldflags": ["-nostdlib", "-static", "-no-pie"]
            }]
          ]
        }]
      ]
    }
  ]
}
