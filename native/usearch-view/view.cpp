// A read-only, memory-mapped view of one usearch index file, without usearch's key -> slot table.
//
// Why by hand: the usearch npm binding's view() also builds a hash table from keys to slots and reserves
// its tables to the next power of two (about 48 bytes per vector, private to each process: 375 MiB per
// worker at 8.2M tracks, and most of the time a 200k-track band takes to open). Encore only searches the
// bands (keys come back from the graph's nodes), so this wrapper opens them with usearch's own
// `enable_key_lookups = false` and nothing reserved; it also writes hits into the caller's buffers instead
// of allocating three arrays per search. The graph, the vectors and the search are usearch's, unchanged.
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <usearch/index_dense.hpp>

using namespace unum::usearch;

// Opens the file as a view; on failure returns null and sets `error`. Touches no JavaScript state, so it may run
// on a libuv thread (BandView.open) as well as in the constructor.
static index_dense_t* openView(std::string const& path, std::size_t dimensions, std::size_t expansion, std::string& error) {
    index_dense_config_t config(default_connectivity(), default_expansion_add(), expansion);
    config.enable_key_lookups = false;
    // The metric is read back from the file's header by view(); this one only lets make() succeed.
    metric_punned_t metric(dimensions, metric_kind_t::cos_k, scalar_kind_t::i8_k);
    index_dense_t::state_result_t made = index_dense_t::make(metric, config);
    if (!made) {
        error = made.error.release();
        return nullptr;
    }
    std::unique_ptr<index_dense_t> index(new index_dense_t(std::move(made.index)));
    serialization_result_t viewed = index->view(memory_mapped_file_t(path.c_str()));
    if (!viewed) {
        error = viewed.error.release();
        return nullptr;
    }
    return index.release();
}

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

    // openBandView(path, dimensions, expansionSearch) -> Promise<BandView>: the view is built on a libuv thread
    // (a 200k-vector band takes ~12 ms idle, twice that under load: the longest stretch of a live bundle load).
    static Napi::Value OpenAsync(Napi::CallbackInfo const& ctx);

    // new BandView(path, dimensions, expansionSearch), or (internal) new BandView(External<index_dense_t>)
    explicit BandView(Napi::CallbackInfo const& ctx) : Napi::ObjectWrap<BandView>(ctx) {
        Napi::Env env = ctx.Env();
        if (ctx.Length() == 1 && ctx[0].IsExternal()) {
            index_.reset(ctx[0].As<Napi::External<index_dense_t>>().Data());
            dimensions_ = index_->dimensions();
            return;
        }
        if (ctx.Length() != 3 || !ctx[0].IsString() || !ctx[1].IsNumber() || !ctx[2].IsNumber()) {
            Napi::TypeError::New(env, "BandView(path, dimensions, expansionSearch)").ThrowAsJavaScriptException();
            return;
        }
        std::string path = ctx[0].As<Napi::String>();
        std::size_t dimensions = static_cast<std::size_t>(ctx[1].As<Napi::Number>().Uint32Value());
        std::size_t expansion = static_cast<std::size_t>(ctx[2].As<Napi::Number>().Uint32Value());
        std::string error;
        index_.reset(openView(path, dimensions, expansion, error));
        if (!index_) {
            Napi::Error::New(env, error).ThrowAsJavaScriptException();
            return;
        }
        dimensions_ = index_->dimensions();
    }

  private:
    std::unique_ptr<index_dense_t> index_;
    std::size_t dimensions_ = 0;
    std::vector<index_dense_t::vector_key_t> keys_;

    // Frees the graph's tables and unmaps the file now, instead of when the collector finalises this object
    // (a forced full collection under load stalls the event loop for tens of ms). Searching afterwards throws.
    // Returns true: "released now" (src/retrieval/bandView.ts, BandSearcher.close).
    Napi::Value Close(Napi::CallbackInfo const& ctx) {
        index_.reset();
        return Napi::Boolean::New(ctx.Env(), true);
    }

    Napi::Value Size(Napi::CallbackInfo const& ctx) {
        return Napi::Number::New(ctx.Env(), index_ ? static_cast<double>(index_->size()) : 0.0);
    }

    Napi::Value Dimensions(Napi::CallbackInfo const& ctx) {
        return Napi::Number::New(ctx.Env(), static_cast<double>(dimensions_));
    }

    // search(query: Float32Array, k, outKeys: Uint32Array, outDistances: Float32Array) -> count
    Napi::Value Search(Napi::CallbackInfo const& ctx) {
        Napi::Env env = ctx.Env();
        if (!index_) {
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
        if (query.ElementLength() < dimensions_ || outKeys.ElementLength() < wanted ||
            outDistances.ElementLength() < wanted) {
            Napi::RangeError::New(env, "search: query shorter than the dimensions, or outputs shorter than k")
                .ThrowAsJavaScriptException();
            return env.Null();
        }
        if (keys_.size() < wanted)
            keys_.resize(wanted);
        index_dense_t::search_result_t result = index_->search(query.Data(), wanted);
        if (!result) {
            Napi::Error::New(env, result.error.release()).ThrowAsJavaScriptException();
            return env.Null();
        }
        std::size_t count = result.dump_to(keys_.data(), outDistances.Data(), wanted);
        std::uint32_t* out = outKeys.Data();
        for (std::size_t i = 0; i < count; i++)
            out[i] = static_cast<std::uint32_t>(keys_[i]);
        return Napi::Number::New(env, static_cast<double>(count));
    }
};

Napi::FunctionReference BandView::constructor;

class OpenWorker : public Napi::AsyncWorker {
  public:
    OpenWorker(Napi::Env env, std::string path, std::size_t dimensions, std::size_t expansion)
        : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)),
          dimensions_(dimensions), expansion_(expansion) {}
    ~OpenWorker() override { delete index_; }
    Napi::Promise Promise() { return deferred_.Promise(); }

  protected:
    void Execute() override {
        std::string error;
        index_ = openView(path_, dimensions_, expansion_, error);
        if (!index_)
            SetError(error);
    }
    void OnOK() override {
        Napi::Env env = Env();
        index_dense_t* index = index_;
        index_ = nullptr; // owned by the BandView from here on
        deferred_.Resolve(BandView::constructor.New({Napi::External<index_dense_t>::New(env, index)}));
    }
    void OnError(Napi::Error const& e) override { deferred_.Reject(e.Value()); }

  private:
    Napi::Promise::Deferred deferred_;
    std::string path_;
    std::size_t dimensions_;
    std::size_t expansion_;
    index_dense_t* index_ = nullptr;
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

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return BandView::Init(env, exports); }

NODE_API_MODULE(encore_usearch_view, InitAll)
