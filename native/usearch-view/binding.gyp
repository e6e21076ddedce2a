{
  "targets": [
    {
      "target_name": "encore_usearch_view",
      "sources": ["view.cpp"],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include\")",
        "../../node_modules/usearch/include",
        "../common"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').gyp\")"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "USEARCH_USE_NUMKONG=0", "USEARCH_USE_OPENMP=0", "USEARCH_USE_FP16LIB=0"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fexceptions", "-Wno-unknown-pragmas", "-Wno-maybe-uninitialized"]
    }
  ]
}
