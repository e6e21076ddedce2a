{
  "targets": [
    {
      "target_name": "encore_mmap",
      "sources": ["mmap.c"],
      "cflags": ["-O2"]
    }
  ]
}
