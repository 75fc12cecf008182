{
  "targets": [
    {
      "target_name": "kwire_afpacket",
      "sources": [
        "src/addon.cc",
        "src/bpf-compile.cc",
        "src/netns.cc",
        "src/ring.cc",
        "src/ring-wrap.cc",
        "src/socket-stats.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
      "libraries": ["-ldl"]
    }
  ]
}
