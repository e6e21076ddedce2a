// encore_mmap: maps a file into memory as an ArrayBuffer, so that every service process on a machine reads the
// same physical pages (the OS page cache) instead of holding its own copy of the model (issue: one model copy
// per machine). Hand-written because the npm mmap packages do not build on Node 20 here (mmap-io 1.1.7 fails
// to compile); it is one N-API function.
//
// MAP_PRIVATE + PROT_WRITE: pages are shared while only read; a write (no code should write into a loaded
// bundle, but a stray one must not crash the process or corrupt the file) copies that one page privately.
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <node_api.h>

// V8 counts an ArrayBuffer's bytes as external memory of the isolate, and a jump of it starts garbage collections
// ("external memory pressure"): mapping a 3 GB bundle during a live swap set off a full collection every
// 100-200 ms for ten seconds, each pausing the serving event loop 3-19 ms. Mapped file pages are not the
// process's heap (clean page-cache pages the kernel can reclaim; a collection frees none of them while the bundle
// is live), so map_file takes its bytes back out of that count and unmap puts them back before V8 lets go.
static void unmap(napi_env env, void* data, void* hint) {
  size_t size = (size_t)(uintptr_t)hint;
  int64_t ignored;
  napi_adjust_external_memory(env, (int64_t)size, &ignored);
  munmap(data, size);
}

static napi_value fail(napi_env env, const char* what, const char* path) {
  char msg[4400];
  snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(errno));
  napi_throw_error(env, "ENCORE_MMAP", msg);
  return NULL;
}

static napi_value map_file(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "mapFile(path) needs a path");
    return NULL;
  }
  char path[4096];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok || len >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "mapFile: path must be a string under 4096 bytes");
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(env, "open", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return fail(env, "stat", path);
  }
  size_t size = (size_t)st.st_size;
  napi_value ab;
  if (size == 0) {
    close(fd);
    void* unused;
    napi_create_arraybuffer(env, 0, &unused, &ab);
    return ab;
  }
  void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return fail(env, "mmap", path);
  if (napi_create_external_arraybuffer(env, p, size, unmap, (void*)(uintptr_t)size, &ab) != napi_ok) {
    munmap(p, size);
    napi_throw_error(env, "ENCORE_MMAP", "napi_create_external_arraybuffer failed");
    return NULL;
  }
  int64_t ignored;
  napi_adjust_external_memory(env, -(int64_t)size, &ignored); // see unmap()
  return ab;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "mapFile", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  napi_set_named_property(env, exports, "mapFile", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
