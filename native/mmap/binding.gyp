{
  "targets": [
    {
      "target_name": "encore_mmap",
      "sources": ["mmap.c"],
      "include_dirs": ["../common"],
      "cflags": ["-O2"]
    }
  ]
}
