// encore_mmap: maps a file into memory as an ArrayBuffer, so that every service process on a machine reads the
// same physical pages (the OS page cache) instead of holding its own copy of the model (issue: one model copy
// per machine). Hand-written because the npm mmap packages do not build on Node 20 here (mmap-io 1.1.7 fails
// to compile); mapFile maps one file as its own buffer, reserve/mapInto/release map a bundle's files into one
// per-process region (see below).
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

#include "huge_mapping.h"

// V8 counts an ArrayBuffer's bytes as external memory of the isolate, and a jump of it starts garbage collections
// ("external memory pressure"): mapping a 3 GB bundle during a live swap set off a full collection every
// 100-200 ms for ten seconds, each pausing the serving event loop 3-19 ms. Mapped file pages are not the
// process's heap (clean page-cache pages the kernel can reclaim; a collection frees none of them while the bundle
// is live), so map_file takes its bytes back out of that count and unmap puts them back before V8 lets go.
// That still leaves the jump while the buffer is created: V8 starts a collection whenever its count rises more
// than 64 MB above its low point, so each big file mapped on its own started one (12 per bundle, in every
// serving process at once, their marking threads taking the cores from the serving event loops): the region
// below is one buffer created once, so mapping a bundle into it makes no jump at all.
static void unmap(napi_env env, void* data, void* hint) {
  size_t size = (size_t)(uintptr_t)hint;
  int64_t ignored;
  napi_adjust_external_memory(env, (int64_t)size, &ignored);
  munmap(data, size);
}

// The mapping [p, p + size) as an ArrayBuffer that unmaps it when collected, kept out of V8's external-memory
// count (see unmap()); on failure unmaps it, throws and returns NULL.
static napi_value wrap_mapping(napi_env env, void* p, size_t size) {
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, size, unmap, (void*)(uintptr_t)size, &ab) != napi_ok) {
    munmap(p, size);
    napi_throw_error(env, "ENCORE_MMAP", "napi_create_external_arraybuffer failed");
    return NULL;
  }
  int64_t ignored;
  napi_adjust_external_memory(env, -(int64_t)size, &ignored);
  return ab;
}

static napi_value fail(napi_env env, const char* what, const char* path) {
  char msg[4400];
  snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(errno));
  napi_throw_error(env, "ENCORE_MMAP", msg);
  return NULL;
}

// The path in `v` opened read-only, with its size; on failure throws (naming `fn`) and returns 0.
static int open_sized(napi_env env, napi_value v, const char* fn, char* path, size_t path_size, int* fd, size_t* size) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, path, path_size, &len) != napi_ok || len >= path_size - 1) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: a path must be a string under %zu bytes", fn, path_size);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0) {
    fail(env, "open", path);
    return 0;
  }
  struct stat st;
  if (fstat(*fd, &st) != 0) {
    close(*fd);
    fail(env, "stat", path);
    return 0;
  }
  *size = (size_t)st.st_size;
  return 1;
}

// The one path argument of `fn(path)` opened read-only with its size (open_sized); on failure throws and returns 0.
static int open_path_argument(napi_env env, napi_callback_info info, const char* fn, char* path, size_t path_size, int* fd, size_t* size) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s(path) needs a path", fn);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return open_sized(env, argv[0], fn, path, path_size, fd, size);
}

static napi_value map_file(napi_env env, napi_callback_info info) {
  char path[4096];
  int fd;
  size_t size;
  if (!open_path_argument(env, info, "mapFile", path, sizeof path, &fd, &size)) return NULL;
  napi_value ab;
  if (size == 0) {
    close(fd);
    void* unused;
    napi_create_arraybuffer(env, 0, &unused, &ab);
    return ab;
  }
  void* p = encore_map_file_aligned(fd, size, PROT_READ | PROT_WRITE);
  close(fd);
  if (p == MAP_FAILED) return fail(env, "mmap", path);
  return wrap_mapping(env, p, size);
}

// The region: one reserved address range per process, wrapped in ONE ArrayBuffer when the process first maps a
// bundle. Each bundle's large files are then mapped INTO it (MAP_FIXED at a free offset) and viewed as typed
// arrays over that one buffer: no new ArrayBuffer per bundle, so no jump of V8's external-memory count and no
// collection during a live swap. Releasing a range maps zero pages over it (read-only, no memory): a stale view
// that outlived its bundle, which the leases should make impossible, reads zeros instead of crashing.
static napi_value reserve(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double bytes_d = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_double(env, argv[0], &bytes_d) != napi_ok || !(bytes_d > 0)) {
    napi_throw_type_error(env, NULL, "reserve(bytes) needs a positive size");
    return NULL;
  }
  size_t size = (size_t)bytes_d;
  // 2 MiB-aligned, so that files mapped into it at 2 MiB-aligned offsets can get huge pages (huge_mapping.h).
  void* p = encore_reserve_aligned(size);
  if (p == MAP_FAILED) return fail(env, "mmap (reserve)", "region");
  return wrap_mapping(env, p, size);
}

static int region_range(napi_env env, napi_value buffer, napi_value offset_v, double length_d, char** at) {
  void* base = NULL;
  size_t len = 0;
  double offset_d = 0;
  if (napi_get_arraybuffer_info(env, buffer, &base, &len) != napi_ok || napi_get_value_double(env, offset_v, &offset_d) != napi_ok) return 0;
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  if (!(offset_d >= 0 && length_d >= 0) || (size_t)offset_d % page != 0 || (size_t)offset_d + (size_t)length_d > len) return 0;
  *at = (char*)base + (size_t)offset_d;
  return 1;
}

// mapInto(region, offset, capacity, paths): the files mapped one after another from `offset`, each starting on
// a 2 MiB boundary (`mapAlignment`: huge pages, see huge_mapping.h; `offset` must be one too), within `capacity`
// bytes; returns { offsets, sizes } (offsets from the region's start).
static napi_value map_into(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  bool is_array = false;
  double capacity = 0;
  char* at = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || napi_get_value_double(env, argv[2], &capacity) != napi_ok ||
      napi_is_array(env, argv[3], &is_array) != napi_ok || !is_array || !region_range(env, argv[0], argv[1], capacity, &at)) {
    napi_throw_type_error(env, NULL, "mapInto(region, offset, capacity, paths): bad arguments");
    return NULL;
  }
  double offset_d = 0;
  napi_get_value_double(env, argv[1], &offset_d);
  uint32_t n = 0;
  napi_get_array_length(env, argv[3], &n);
  napi_value offs, lens;
  napi_create_array_with_length(env, n, &offs);
  napi_create_array_with_length(env, n, &lens);
  char path[4096];
  size_t used = 0;
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    int fd;
    size_t size;
    napi_get_element(env, argv[3], i, &v);
    if (!open_sized(env, v, "mapInto", path, sizeof path, &fd, &size)) return NULL;
    size_t span = encore_huge_round(size);
    if (used + span > (size_t)capacity) {
      close(fd);
      errno = EFBIG;
      return fail(env, "mapInto (grew since sized)", path);
    }
    if (size > 0 && mmap(at + used, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
      close(fd);
      return fail(env, "mmap", path);
    }
    close(fd);
    if (size > 0) encore_advise_huge(at + used, size);
    napi_value o, l;
    napi_create_double(env, offset_d + (double)used, &o);
    napi_create_double(env, (double)size, &l);
    napi_set_element(env, offs, i, o);
    napi_set_element(env, lens, i, l);
    used += span;
  }
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "offsets", offs);
  napi_set_named_property(env, result, "sizes", lens);
  return result;
}

// cacheInHugePages(path): reads the file into the page cache in 2 MiB folios, so that every later mapping of it
// (huge_mapping.h: 2 MiB-aligned, MADV_HUGEPAGE) maps it with huge pages. The file's cached pages that no process
// maps are dropped first (posix_fadvise DONTNEED: a freshly written file is cached in folios as small as its
// writes were, usearch's 4 KiB ones for index bands; read() fills the cache in readahead-sized ones), then the file
// is faulted in through a temporary huge mapping and unmapped. Costs one read of the file from disk; meant for the
// first verification of a file on a machine (src/model/sha256Worker.ts), off the event loop. No-op with
// ENCORE_HUGE_PAGES=0 or for files under 2 MiB. Returns nothing; throws when the file cannot be opened or mapped.
static napi_value cache_in_huge_pages(napi_env env, napi_callback_info info) {
  char path[4096];
  int fd;
  size_t size;
  if (!open_path_argument(env, info, "cacheInHugePages", path, sizeof path, &fd, &size)) return NULL;
  if (size < ENCORE_HUGE_ALIGN || encore_huge_pages_off()) {
    close(fd);
    return NULL;
  }
#ifdef POSIX_FADV_DONTNEED
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
#endif
  char* p = (char*)encore_map_file_aligned(fd, size, PROT_READ);
  close(fd);
  if (p == (char*)MAP_FAILED) return fail(env, "mmap", path);
  int populated = 0;
#ifdef MADV_POPULATE_READ
  populated = madvise(p, size, MADV_POPULATE_READ) == 0;
#endif
  if (!populated) {
    // Kernels before 5.14: one read per 4 KiB page faults the file in (each fault reads a whole 2 MiB folio).
    volatile char sink = 0;
    for (size_t o = 0; o < size; o += 4096) sink ^= p[o];
    (void)sink;
  }
  munmap(p, size);
  return NULL;
}

// release(region, offset, length): zero pages over the range (the files' pages are let go).
static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  double length = 0;
  char* at = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_get_value_double(env, argv[2], &length) != napi_ok ||
      !region_range(env, argv[0], argv[1], length, &at)) {
    napi_throw_type_error(env, NULL, "release(region, offset, length): bad arguments");
    return NULL;
  }
  if (length > 0 && mmap(at, (size_t)length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED) return fail(env, "mmap (release)", "region");
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, page, alignment;
  napi_create_function(env, "mapFile", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  napi_set_named_property(env, exports, "mapFile", fn);
  napi_create_function(env, "reserve", NAPI_AUTO_LENGTH, reserve, NULL, &fn);
  napi_set_named_property(env, exports, "reserve", fn);
  napi_create_function(env, "mapInto", NAPI_AUTO_LENGTH, map_into, NULL, &fn);
  napi_set_named_property(env, exports, "mapInto", fn);
  napi_create_function(env, "cacheInHugePages", NAPI_AUTO_LENGTH, cache_in_huge_pages, NULL, &fn);
  napi_set_named_property(env, exports, "cacheInHugePages", fn);
  napi_create_function(env, "release", NAPI_AUTO_LENGTH, release, NULL, &fn);
  napi_set_named_property(env, exports, "release", fn);
  napi_create_double(env, (double)sysconf(_SC_PAGESIZE), &page);
  napi_set_named_property(env, exports, "pageSize", page);
  napi_create_double(env, (double)ENCORE_HUGE_ALIGN, &alignment);
  napi_set_named_property(env, exports, "mapAlignment", alignment);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
