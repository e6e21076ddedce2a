// encore_mmap: maps a file into memory as an ArrayBuffer, so that every service process on a machine reads the
// same physical pages (the OS page cache) instead of holding its own copy of the model (issue: one model copy
// per machine). Hand-written because the npm mmap packages do not build on Node 20 here (mmap-io 1.1.7 fails
// to compile); it is two N-API functions: mapFile (one file) and mapFiles (several files in one buffer).
//
// MAP_PRIVATE + PROT_WRITE: pages are shared while only read; a write (no code should write into a loaded
// bundle, but a stray one must not crash the process or corrupt the file) copies that one page privately.
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
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
// That still leaves the jump while the buffer is created: V8 starts a collection whenever its count rises more
// than 64 MB above its low point, so each big file mapped on its own started one (12 per bundle, in every
// serving process at once, their marking threads taking the cores from the serving event loops). mapFiles puts
// all of a bundle's mapped files in ONE buffer: one jump, one collection.
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

// mapFiles(paths): every file mapped at a page-aligned offset of one reserved address range, as one ArrayBuffer;
// returns { buffer, offsets, sizes }. Pages past a file's end up to the next offset read as zeros.
static napi_value map_files(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is_array = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array) {
    napi_throw_type_error(env, NULL, "mapFiles(paths) needs an array of paths");
    return NULL;
  }
  uint32_t n = 0;
  napi_get_array_length(env, argv[0], &n);
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  int* fds = (int*)calloc(n ? n : 1, sizeof(int));
  size_t* sizes = (size_t*)calloc(n ? n : 1, sizeof(size_t));
  size_t* offsets = (size_t*)calloc(n ? n : 1, sizeof(size_t));
  char path[4096];
  size_t total = 0;
  uint32_t opened = 0;
  napi_value result = NULL;
  if (fds == NULL || sizes == NULL || offsets == NULL) {
    napi_throw_error(env, "ENCORE_MMAP", "out of memory");
    goto done;
  }
  for (uint32_t i = 0; i < n; i++, opened++) {
    napi_value v;
    size_t len = 0;
    napi_get_element(env, argv[0], i, &v);
    if (napi_get_value_string_utf8(env, v, path, sizeof path, &len) != napi_ok || len >= sizeof path - 1) {
      napi_throw_type_error(env, NULL, "mapFiles: every path must be a string under 4096 bytes");
      goto done;
    }
    fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) {
      fail(env, "open", path);
      goto done;
    }
    struct stat st;
    if (fstat(fds[i], &st) != 0) {
      opened++;
      fail(env, "stat", path);
      goto done;
    }
    sizes[i] = (size_t)st.st_size;
    offsets[i] = total;
    total += (sizes[i] + page - 1) / page * page;
  }
  void* base = NULL;
  if (total > 0) {
    base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
      fail(env, "mmap (reserve)", "bundle files");
      goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
      if (sizes[i] == 0) continue;
      void* at = mmap((char*)base + offsets[i], sizes[i], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fds[i], 0);
      if (at == MAP_FAILED) {
        napi_value v;
        size_t len = 0;
        napi_get_element(env, argv[0], i, &v);
        napi_get_value_string_utf8(env, v, path, sizeof path, &len);
        munmap(base, total);
        fail(env, "mmap", path);
        goto done;
      }
    }
  }
  napi_value ab;
  if (total == 0) {
    void* unused;
    napi_create_arraybuffer(env, 0, &unused, &ab);
  } else if (napi_create_external_arraybuffer(env, base, total, unmap, (void*)(uintptr_t)total, &ab) != napi_ok) {
    munmap(base, total);
    napi_throw_error(env, "ENCORE_MMAP", "napi_create_external_arraybuffer failed");
    goto done;
  } else {
    int64_t ignored;
    napi_adjust_external_memory(env, -(int64_t)total, &ignored); // see unmap()
  }
  napi_value offs, lens;
  napi_create_array_with_length(env, n, &offs);
  napi_create_array_with_length(env, n, &lens);
  for (uint32_t i = 0; i < n; i++) {
    napi_value o, l;
    napi_create_double(env, (double)offsets[i], &o);
    napi_create_double(env, (double)sizes[i], &l);
    napi_set_element(env, offs, i, o);
    napi_set_element(env, lens, i, l);
  }
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "buffer", ab);
  napi_set_named_property(env, result, "offsets", offs);
  napi_set_named_property(env, result, "sizes", lens);
done:
  for (uint32_t i = 0; i < opened && fds != NULL; i++)
    if (fds[i] >= 0) close(fds[i]);
  free(fds);
  free(sizes);
  free(offsets);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "mapFile", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  napi_set_named_property(env, exports, "mapFile", fn);
  napi_create_function(env, "mapFiles", NAPI_AUTO_LENGTH, map_files, NULL, &fn);
  napi_set_named_property(env, exports, "mapFiles", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
