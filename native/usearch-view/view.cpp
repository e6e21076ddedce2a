// A read-only, memory-mapped view of one usearch index file, searched by an HNSW walk of this file's own.
//
// Why by hand: usearch's view() keeps two tables per process, a pointer to every node and a pointer to every
// vector (16 bytes per indexed vector: 124 MiB of private memory in every worker at 8.2M tracks; its npm
// binding adds a key -> slot hash table on top, 48 bytes per vector). The nodes lie in the file one after
// another, sized by their levels, and the vectors are a matrix with a fixed stride, so one 4-byte offset per
// node is all a search needs; the mapped file itself is shared by every process. The file is read with usearch's
// own header types, the query is cast with usearch's casts and every distance is usearch's metric
// (metric_punned_t), so the scores are usearch's; the walk is the HNSW search of Malkov & Yashunin (greedy
// descent through the upper levels, then a best-first search of the base level with `expansion` candidates).
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <usearch/index_dense.hpp>

#include "huge_mapping.h"

using namespace unum::usearch;

using level_t = std::int16_t;
using slot_t = std::uint32_t;
using node_key_t = std::uint64_t;
using count_t = std::uint32_t;

struct Hit {
    float distance;
    slot_t slot;
};

// The slots one search has visited: a small open-addressing hash set, cleared per search. A flag per node of the
// band (800 KB for 200k nodes) made every visit a cache miss at full scale (the feed's capacity fell from 500 to
// 400 req/s); a search visits a few thousand nodes, which fit in 32-64 KB.
class VisitedSet {
  public:
    void clear() {
        if (keys_.empty())
            keys_.assign(8192, 0);
        else
            std::fill(keys_.begin(), keys_.end(), 0);
        used_ = 0;
    }
    // True when the slot was already visited in this search; marks it otherwise.
    bool visit(slot_t s) {
        if ((used_ + 1) * 2 > keys_.size())
            grow();
        std::uint32_t key = s + 1; // 0 marks an empty entry
        std::size_t mask = keys_.size() - 1;
        for (std::size_t h = spread(s) & mask;; h = (h + 1) & mask) {
            if (keys_[h] == key)
                return true;
            if (keys_[h] == 0) {
                keys_[h] = key;
                used_++;
                return false;
            }
        }
    }

  private:
    std::vector<std::uint32_t> keys_;
    std::size_t used_ = 0;

    static std::size_t spread(slot_t s) { return static_cast<std::size_t>((s * 0x9E3779B1u) ^ (s >> 16)); }
    void grow() {
        std::vector<std::uint32_t> old(keys_.size() * 2, 0);
        old.swap(keys_);
        std::size_t mask = keys_.size() - 1;
        for (std::uint32_t key : old) {
            if (key == 0)
                continue;
            std::size_t h = spread(key - 1) & mask;
            while (keys_[h] != 0)
                h = (h + 1) & mask;
            keys_[h] = key;
        }
    }
};

// Scratch space of the thread that searches (the JavaScript thread): reused across searches and bands.
struct Scratch {
    VisitedSet visited;
    std::vector<Hit> next; // min-heap by distance: candidates to expand
    std::vector<Hit> top;  // max-heap by distance: the best `expansion` found so far
    std::vector<byte_t> query;

    void startSearch() {
        visited.clear();
        next.clear();
        top.clear();
    }
    bool visit(slot_t s) { return visited.visit(s); }
};

static bool farther(Hit const& a, Hit const& b) { return a.distance > b.distance; }
static bool nearer(Hit const& a, Hit const& b) { return a.distance < b.distance; }

// A whole file mapped read-only at a 2 MiB-aligned address with huge pages asked for (huge_mapping.h; usearch's
// memory_mapped_file_t maps wherever the kernel puts it, which rarely lets a graph walk use 2 MiB pages), unmapped
// when destroyed.
class AlignedMapping {
  public:
    AlignedMapping() = default;
    AlignedMapping(AlignedMapping const&) = delete;
    AlignedMapping& operator=(AlignedMapping const&) = delete;
    ~AlignedMapping() { unmap(); }

    // Maps `path`; on failure returns false and sets `error`.
    bool open(std::string const& path, std::string& error) {
        unmap();
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            error = path + ": " + std::strerror(errno);
            return false;
        }
        struct stat st;
        if (fstat(fd, &st) != 0) {
            error = path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (st.st_size <= 0) {
            error = path + ": empty file";
            ::close(fd);
            return false;
        }
        size_ = static_cast<std::size_t>(st.st_size);
        void* p = encore_map_file_aligned(fd, size_, PROT_READ);
        ::close(fd);
        if (p == MAP_FAILED) {
            error = path + ": mmap: " + std::strerror(errno);
            size_ = 0;
            return false;
        }
        data_ = static_cast<byte_t const*>(p);
        return true;
    }
    byte_t const* data() const { return data_; }
    std::size_t size() const { return size_; }

  private:
    byte_t const* data_ = nullptr;
    std::size_t size_ = 0;

    void unmap() {
        if (data_)
            munmap(const_cast<byte_t*>(data_), size_);
        data_ = nullptr;
        size_ = 0;
    }
};

// One band file, parsed. Layout (usearch's serialization of index_dense_gt): two u32 (rows, bytes per row), the
// vectors, a 64-byte dense header, the graph header, one level_t per node, then the nodes: key, level, the base
// level's neighbour list (count + connectivity_base slots), then one list per upper level (count + connectivity).
class BandFile {
  public:
    // Parses the mapped file; on failure returns false and sets `error`. Touches no JavaScript state.
    bool open(std::string const& path, std::size_t dimensions, std::size_t expansion, std::string& error) {
        if (!file_.open(path, error))
            return false;
        expansion_ = expansion;
        byte_t const* data = file_.data();
        std::size_t size = file_.size();
        std::size_t at = 0;
        auto need = [&](std::size_t bytes, char const* what) {
            if (at > size || size - at < bytes) {
                error = std::string("band file is corrupted: it lacks ") + what;
                return false;
            }
            return true;
        };
        std::uint32_t matrix[2];
        if (!need(sizeof(matrix), "the matrix dimensions"))
            return false;
        std::memcpy(matrix, data, sizeof(matrix));
        at += sizeof(matrix);
        count_ = matrix[0];
        vectorBytes_ = matrix[1];
        if (!need(count_ * vectorBytes_, "the vectors"))
            return false;
        vectors_ = data + at;
        at += count_ * vectorBytes_;

        index_dense_head_buffer_t headBytes;
        if (!need(sizeof(headBytes), "a header"))
            return false;
        std::memcpy(headBytes, data + at, sizeof(headBytes));
        at += sizeof(headBytes);
        index_dense_head_t head{headBytes};
        if (std::memcmp(headBytes, default_magic(), std::strlen(default_magic())) != 0) {
            error = "not a usearch index file";
            return false;
        }
        if (head.version_major != USEARCH_VERSION_MAJOR || head.kind_key != scalar_kind_t::u64_k ||
            head.kind_compressed_slot != scalar_kind_t::u32_k || head.multi) {
            error = "band file has another usearch format (version, key or slot type): rebuild the index";
            return false;
        }
        dimensions_ = static_cast<std::size_t>(head.dimensions);
        metric_ = metric_punned_t::builtin(dimensions_, head.kind_metric, head.kind_scalar);
        casts_ = casts_punned_t::make(head.kind_scalar);
        if (metric_.bytes_per_vector() != vectorBytes_) {
            error = "band file's vectors do not match its header";
            return false;
        }
        if (dimensions_ != dimensions) {
            error = "band file has " + std::to_string(dimensions_) + " dimensions, not " + std::to_string(dimensions);
            return false;
        }

        index_serialized_header_t graph;
        if (!need(sizeof(graph), "the graph header"))
            return false;
        std::memcpy(&graph, data + at, sizeof(graph));
        at += sizeof(graph);
        if (graph.size != count_ || graph.connectivity == 0 || graph.connectivity_base == 0 ||
            (count_ > 0 && graph.entry_slot >= count_)) {
            error = "band file's graph does not match its vectors";
            return false;
        }
        connectivity_ = graph.connectivity;
        connectivityBase_ = graph.connectivity_base;
        maxLevel_ = static_cast<level_t>(graph.max_level);
        entry_ = static_cast<slot_t>(graph.entry_slot);
        baseBytes_ = sizeof(count_t) + connectivityBase_ * sizeof(slot_t);
        levelBytes_ = sizeof(count_t) + connectivity_ * sizeof(slot_t);
        if (!need(count_ * sizeof(level_t), "the node levels"))
            return false;
        byte_t const* levels = data + at;
        at += count_ * sizeof(level_t);
        nodes_ = data + at;

        offsets_.resize(count_);
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i < count_; i++) {
            level_t level;
            std::memcpy(&level, levels + i * sizeof(level_t), sizeof(level));
            if (level < 0 || level > maxLevel_) {
                error = "band file has a node above the graph's top level";
                return false;
            }
            offsets_[i] = static_cast<std::uint32_t>(offset);
            offset += nodeHeadBytes + baseBytes_ + levelBytes_ * static_cast<std::size_t>(level);
            if (offset > UINT32_MAX) {
                error = "band graph over 4 GiB: cut the index into smaller bands";
                return false;
            }
        }
        if (size - at < offset) {
            error = "band file is corrupted and can't fit all the nodes";
            return false;
        }
        return true;
    }

    std::size_t size() const { return count_; }
    std::size_t dimensions() const { return dimensions_; }

    // Writes up to k hits (keys, distances, nearest first); returns how many.
    std::size_t search(float const* query, std::size_t k, std::uint32_t* outKeys, float* outDistances, Scratch& s) const {
        if (count_ == 0 || k == 0)
            return 0;
        s.query.resize(vectorBytes_);
        byte_t const* q = reinterpret_cast<byte_t const*>(query);
        if (casts_.from.f32 && casts_.from.f32(q, dimensions_, s.query.data()))
            q = s.query.data();
        s.startSearch();
        slot_t closest = descend(q);
        std::size_t expansion = std::max(expansion_, k);
        searchBase(q, closest, expansion, s);
        std::sort(s.top.begin(), s.top.end(), nearer);
        std::size_t n = std::min(k, s.top.size());
        for (std::size_t i = 0; i < n; i++) {
            node_key_t key;
            std::memcpy(&key, node(s.top[i].slot), sizeof(key));
            outKeys[i] = static_cast<std::uint32_t>(key);
            outDistances[i] = s.top[i].distance;
        }
        return n;
    }

  private:
    static constexpr std::size_t nodeHeadBytes = sizeof(node_key_t) + sizeof(level_t);

    AlignedMapping file_;
    byte_t const* vectors_ = nullptr;
    byte_t const* nodes_ = nullptr;
    std::vector<std::uint32_t> offsets_; // node i starts at nodes_ + offsets_[i]
    std::size_t count_ = 0, vectorBytes_ = 0, dimensions_ = 0;
    std::size_t connectivity_ = 0, connectivityBase_ = 0, baseBytes_ = 0, levelBytes_ = 0;
    std::size_t expansion_ = 0;
    level_t maxLevel_ = 0;
    slot_t entry_ = 0;
    metric_punned_t metric_;
    casts_punned_t casts_;

    byte_t const* node(slot_t s) const { return nodes_ + offsets_[s]; }
    level_t levelOf(slot_t s) const {
        level_t level;
        std::memcpy(&level, node(s) + sizeof(node_key_t), sizeof(level));
        return level;
    }
    byte_t const* vector(slot_t s) const { return vectors_ + static_cast<std::size_t>(s) * vectorBytes_; }
    float distance(byte_t const* q, slot_t s) const { return static_cast<float>(metric_(q, vector(s))); }

    // The neighbour list of node s at a level: [count, slots...] (level 0 first, then the upper levels).
    byte_t const* neighbors(slot_t s, level_t level) const {
        byte_t const* list = node(s) + nodeHeadBytes;
        return level == 0 ? list : list + baseBytes_ + levelBytes_ * static_cast<std::size_t>(level - 1);
    }
    std::size_t listCount(byte_t const* list, std::size_t cap) const {
        count_t n;
        std::memcpy(&n, list, sizeof(n));
        return std::min<std::size_t>(n, cap);
    }
    slot_t listSlot(byte_t const* list, std::size_t i) const {
        slot_t v;
        std::memcpy(&v, list + sizeof(count_t) + i * sizeof(slot_t), sizeof(v));
        return v;
    }

    // Greedy descent from the entry point through levels maxLevel..1: the closest node found at level 1.
    slot_t descend(byte_t const* q) const {
        slot_t closest = entry_;
        float closestDistance = distance(q, closest);
        for (level_t level = maxLevel_; level > 0; --level) {
            bool moved = true;
            while (moved) {
                moved = false;
                if (levelOf(closest) < level)
                    break; // only in a corrupted file: a neighbour listed at a level it is not on
                byte_t const* list = neighbors(closest, level);
                std::size_t n = listCount(list, connectivity_);
                for (std::size_t i = 0; i < n; i++) {
                    slot_t c = listSlot(list, i);
                    if (c >= count_)
                        continue;
                    float d = distance(q, c);
                    if (d < closestDistance) {
                        closestDistance = d;
                        closest = c;
                        moved = true;
                    }
                }
            }
        }
        return closest;
    }

    // Best-first search of level 0 from `start`, keeping the `expansion` nearest in s.top.
    void searchBase(byte_t const* q, slot_t start, std::size_t expansion, Scratch& s) const {
        float startDistance = distance(q, start);
        s.visit(start);
        s.next.push_back({startDistance, start});
        s.top.push_back({startDistance, start});
        float radius = startDistance;
        slot_t fresh[256];
        while (!s.next.empty()) {
            Hit candidate = s.next.front();
            if (candidate.distance > radius && s.top.size() >= expansion)
                break;
            std::pop_heap(s.next.begin(), s.next.end(), farther);
            s.next.pop_back();
            byte_t const* list = neighbors(candidate.slot, 0);
            std::size_t n = std::min<std::size_t>(listCount(list, connectivityBase_), 256);
            std::size_t m = 0;
            // Mark and prefetch the unvisited neighbours' vectors first: at 8.2M tracks each is a cache miss.
            for (std::size_t i = 0; i < n; i++) {
                slot_t c = listSlot(list, i);
                if (c >= count_ || s.visit(c))
                    continue;
                __builtin_prefetch(vector(c));
                fresh[m++] = c;
            }
            for (std::size_t i = 0; i < m; i++) {
                float d = distance(q, fresh[i]);
                if (s.top.size() < expansion || d < radius) {
                    s.next.push_back({d, fresh[i]});
                    std::push_heap(s.next.begin(), s.next.end(), farther);
                    s.top.push_back({d, fresh[i]});
                    std::push_heap(s.top.begin(), s.top.end(), nearer);
                    if (s.top.size() > expansion) {
                        std::pop_heap(s.top.begin(), s.top.end(), nearer);
                        s.top.pop_back();
                    }
                    radius = s.top.front().distance;
                }
            }
        }
    }
};

static Scratch scratch; // searches run on the JavaScript thread only

class BandView : public Napi::ObjectWrap<BandView> {
  public:
    static Napi::FunctionReference constructor;

    static Napi::Object Init(Napi::Env env, Napi::Object exports) {
        Napi::Function ctor = DefineClass(env, "BandView",
                                          {
                                              InstanceMethod("size", &BandView::Size),
                                              InstanceMethod("dimensions", &BandView::Dimensions),
                                              InstanceMethod("search", &BandView::Search),
                                              InstanceMethod("close", &BandView::Close),
                                          });
        constructor = Napi::Persistent(ctor);
        exports.Set("BandView", ctor);
        exports.Set("openBandView", Napi::Function::New(env, &BandView::OpenAsync));
        return exports;
    }

    // openBandView(path, dimensions, expansionSearch) -> Promise<BandView>: the file is parsed on a libuv thread.
    static Napi::Value OpenAsync(Napi::CallbackInfo const& ctx);

    // new BandView(path, dimensions, expansionSearch), or (internal) new BandView(External<BandFile>)
    explicit BandView(Napi::CallbackInfo const& ctx) : Napi::ObjectWrap<BandView>(ctx) {
        Napi::Env env = ctx.Env();
        if (ctx.Length() == 1 && ctx[0].IsExternal()) {
            band_.reset(ctx[0].As<Napi::External<BandFile>>().Data());
            return;
        }
        if (ctx.Length() != 3 || !ctx[0].IsString() || !ctx[1].IsNumber() || !ctx[2].IsNumber()) {
            Napi::TypeError::New(env, "BandView(path, dimensions, expansionSearch)").ThrowAsJavaScriptException();
            return;
        }
        std::string error;
        std::unique_ptr<BandFile> band(new BandFile());
        if (!band->open(ctx[0].As<Napi::String>(), ctx[1].As<Napi::Number>().Uint32Value(),
                        ctx[2].As<Napi::Number>().Uint32Value(), error)) {
            Napi::Error::New(env, error).ThrowAsJavaScriptException();
            return;
        }
        band_ = std::move(band);
    }

  private:
    std::unique_ptr<BandFile> band_;

    // Frees the offsets and unmaps the file now, instead of when the collector finalises this object (a forced
    // full collection under load stalls the event loop for tens of ms). Searching afterwards throws.
    // Returns true: "released now" (src/retrieval/bandView.ts, BandSearcher.close).
    Napi::Value Close(Napi::CallbackInfo const& ctx) {
        band_.reset();
        return Napi::Boolean::New(ctx.Env(), true);
    }

    Napi::Value Size(Napi::CallbackInfo const& ctx) {
        return Napi::Number::New(ctx.Env(), band_ ? static_cast<double>(band_->size()) : 0.0);
    }

    Napi::Value Dimensions(Napi::CallbackInfo const& ctx) {
        return Napi::Number::New(ctx.Env(), band_ ? static_cast<double>(band_->dimensions()) : 0.0);
    }

    // search(query: Float32Array, k, outKeys: Uint32Array, outDistances: Float32Array) -> count
    Napi::Value Search(Napi::CallbackInfo const& ctx) {
        Napi::Env env = ctx.Env();
        if (!band_) {
            Napi::Error::New(env, "index not open").ThrowAsJavaScriptException();
            return env.Null();
        }
        if (ctx.Length() != 4 || !ctx[0].IsTypedArray() || !ctx[1].IsNumber() || !ctx[2].IsTypedArray() ||
            !ctx[3].IsTypedArray()) {
            Napi::TypeError::New(env, "search(query: Float32Array, k, outKeys: Uint32Array, outDistances: Float32Array)")
                .ThrowAsJavaScriptException();
            return env.Null();
        }
        Napi::TypedArray q = ctx[0].As<Napi::TypedArray>();
        Napi::TypedArray keysArg = ctx[2].As<Napi::TypedArray>();
        Napi::TypedArray distArg = ctx[3].As<Napi::TypedArray>();
        if (q.TypedArrayType() != napi_float32_array || keysArg.TypedArrayType() != napi_uint32_array ||
            distArg.TypedArrayType() != napi_float32_array) {
            Napi::TypeError::New(env, "search: query Float32Array, keys Uint32Array, distances Float32Array")
                .ThrowAsJavaScriptException();
            return env.Null();
        }
        Napi::Float32Array query = q.As<Napi::Float32Array>();
        Napi::Uint32Array outKeys = keysArg.As<Napi::Uint32Array>();
        Napi::Float32Array outDistances = distArg.As<Napi::Float32Array>();
        std::size_t wanted = static_cast<std::size_t>(ctx[1].As<Napi::Number>().Uint32Value());
        if (query.ElementLength() < band_->dimensions() || outKeys.ElementLength() < wanted ||
            outDistances.ElementLength() < wanted) {
            Napi::RangeError::New(env, "search: query shorter than the dimensions, or outputs shorter than k")
                .ThrowAsJavaScriptException();
            return env.Null();
        }
        std::size_t count = band_->search(query.Data(), wanted, outKeys.Data(), outDistances.Data(), scratch);
        return Napi::Number::New(env, static_cast<double>(count));
    }
};

Napi::FunctionReference BandView::constructor;

class OpenWorker : public Napi::AsyncWorker {
  public:
    OpenWorker(Napi::Env env, std::string path, std::size_t dimensions, std::size_t expansion)
        : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)),
          dimensions_(dimensions), expansion_(expansion) {}
    Napi::Promise Promise() { return deferred_.Promise(); }

  protected:
    void Execute() override {
        std::string error;
        band_.reset(new BandFile());
        if (!band_->open(path_, dimensions_, expansion_, error))
            SetError(error);
    }
    void OnOK() override {
        Napi::Env env = Env();
        // owned by the BandView from here on
        deferred_.Resolve(BandView::constructor.New({Napi::External<BandFile>::New(env, band_.release())}));
    }
    void OnError(Napi::Error const& e) override { deferred_.Reject(e.Value()); }

  private:
    Napi::Promise::Deferred deferred_;
    std::string path_;
    std::size_t dimensions_;
    std::size_t expansion_;
    std::unique_ptr<BandFile> band_;
};

Napi::Value BandView::OpenAsync(Napi::CallbackInfo const& ctx) {
    Napi::Env env = ctx.Env();
    if (ctx.Length() != 3 || !ctx[0].IsString() || !ctx[1].IsNumber() || !ctx[2].IsNumber()) {
        Napi::TypeError::New(env, "openBandView(path, dimensions, expansionSearch)").ThrowAsJavaScriptException();
        return env.Null();
    }
    OpenWorker* worker = new OpenWorker(env, ctx[0].As<Napi::String>(), ctx[1].As<Napi::Number>().Uint32Value(),
                                        ctx[2].As<Napi::Number>().Uint32Value());
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) { return BandView::Init(env, exports); }

NODE_API_MODULE(encore_usearch_view, Init)
