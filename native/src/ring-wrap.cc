// Ring bindings: options → RingConfig, fill into caller-owned batch buffers, uv_poll readiness,
// and teardown that also runs when a worker thread exits without calling close().
#include "ring-wrap.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

namespace kwire {

namespace {

uint32_t U32(const Napi::Object& o, const char* key, uint32_t dflt) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Uint32Value() : dflt;
}

}  // namespace

Napi::Function RingWrap::Define(Napi::Env env) {
  return DefineClass(env, "Ring", {
    InstanceMethod("fill", &RingWrap::Fill),
    InstanceMethod("ready", &RingWrap::Ready),
    InstanceMethod("watch", &RingWrap::Watch),
    InstanceMethod("unwatch", &RingWrap::Unwatch),
    InstanceMethod("stats", &RingWrap::Stats),
    InstanceMethod("ifaceCount", &RingWrap::IfaceCount),
    InstanceMethod("iface", &RingWrap::Iface),
    InstanceMethod("close", &RingWrap::Close),
    InstanceMethod("takeError", &RingWrap::TakeError),
    InstanceMethod("ifaceGone", &RingWrap::IfaceGone),
  });
}

RingWrap::RingWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RingWrap>(info) {
  Napi::Env env = info.Env();
  Napi::Object o = info[0].As<Napi::Object>();
  RingConfig cfg;
  cfg.iface = o.Get("iface").As<Napi::String>().Utf8Value();
  if (o.Get("netns").IsString()) cfg.netns = o.Get("netns").As<Napi::String>().Utf8Value();
  cfg.blockSize = U32(o, "blockSize", cfg.blockSize);
  cfg.blockCount = U32(o, "blockCount", cfg.blockCount);
  cfg.frameSize = U32(o, "frameSize", cfg.frameSize);
  cfg.retireMs = U32(o, "retireMs", cfg.retireMs);
  cfg.snapLen = U32(o, "snapLen", cfg.snapLen);
  cfg.promiscuous = o.Get("promiscuous").ToBoolean().Value();
  Napi::Value group = o.Get("fanoutGroup");
  if (group.IsNumber()) cfg.fanoutGroup = group.As<Napi::Number>().Int32Value();
  cfg.fanoutMode = U32(o, "fanoutMode", 0);
  Napi::Value filter = o.Get("filter");
  if (filter.IsTypedArray()) {
    Napi::Uint8Array f = filter.As<Napi::Uint8Array>();
    size_t n = f.ByteLength() / sizeof(sock_filter);
    cfg.filter.resize(n);
    memcpy(cfg.filter.data(), f.Data(), n * sizeof(sock_filter));
  }
  onReadable_ = Napi::Persistent(info[1].As<Napi::Function>());
  try {
    ring_.Open(cfg);
  } catch (const SysError& e) {
    throw SysErrorToJs(env, e);
  }
  asyncContext_ = new Napi::AsyncContext(env, "kwire.AfPacketRing");
  // Closes the ring and its poll handle when the environment (e.g. a worker thread) goes away.
  napi_add_async_cleanup_hook(env, OnEnvCleanup, this, &cleanupHook_);
}

RingWrap::~RingWrap() {
  // Only reached once no poll handle is open (an open handle holds a reference to this object).
  ring_.Close();
  if (cleanupHook_ != nullptr) napi_remove_async_cleanup_hook(cleanupHook_);
  delete asyncContext_;
}

// fill(data: Uint8Array, meta: Uint32Array): frames copied (see Ring::Fill).
Napi::Value RingWrap::Fill(const Napi::CallbackInfo& info) {
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  Napi::Uint32Array meta = info[1].As<Napi::Uint32Array>();
  FillResult r = ring_.Fill(data.Data(), data.ByteLength(), meta.Data(),
                            static_cast<uint32_t>(meta.ElementLength() / kMetaStride));
  return Napi::Number::New(info.Env(), r.frames);
}

Napi::Value RingWrap::Ready(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), ring_.Ready());
}

// watch(): calls onReadable() once, on this thread's loop, when the ring has a retired block.
Napi::Value RingWrap::Watch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ring_.IsOpen() || watching_) return env.Undefined();
  if (!pollOpen_) {
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    int rc = uv_poll_init_socket(loop, &poll_, ring_.Fd());
    if (rc != 0) throw Napi::Error::New(env, std::string("uv_poll_init: ") + uv_strerror(rc));
    poll_.data = this;
    pollOpen_ = true;
    Ref();
  }
  int rc = uv_poll_start(&poll_, UV_READABLE, OnPoll);
  if (rc != 0) throw Napi::Error::New(env, std::string("uv_poll_start: ") + uv_strerror(rc));
  watching_ = true;
  return env.Undefined();
}

Napi::Value RingWrap::Unwatch(const Napi::CallbackInfo& info) {
  if (watching_) uv_poll_stop(&poll_);
  watching_ = false;
  return info.Env().Undefined();
}

// Plain Node-API calls whose failures are ignored: this runs from libuv, possibly while a worker's
// environment is being torn down, where JS can no longer be entered (node-addon-api would abort).
// An exception thrown by the callback is reported as uncaught, like any event-loop callback's.
void RingWrap::OnPoll(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = static_cast<RingWrap*>(handle->data);
  uv_poll_stop(handle);
  self->watching_ = false;
  napi_env env = self->Env();
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, arg, result;
  if (napi_get_reference_value(env, self->onReadable_, &fn) == napi_ok && fn != nullptr &&
      napi_get_global(env, &recv) == napi_ok && napi_create_int32(env, status, &arg) == napi_ok) {
    napi_status st = napi_make_callback(env, *self->asyncContext_, recv, fn, 1, &arg, &result);
    napi_value err;
    if (st == napi_pending_exception && napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

// stats(out: Float64Array(5)): [packets, bytes, kernelPackets, kernelDrops, freezes], cumulative.
Napi::Value RingWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Float64Array out = info[0].As<Napi::Float64Array>();
  ring_.PollStats();
  if (out.ElementLength() >= 5) {
    out[0] = static_cast<double>(ring_.packets());
    out[1] = static_cast<double>(ring_.bytes());
    out[2] = static_cast<double>(ring_.kernelPackets());
    out[3] = static_cast<double>(ring_.kernelDrops());
    out[4] = static_cast<double>(ring_.freezes());
  }
  return info.Env().Undefined();
}

Napi::Value RingWrap::IfaceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ring_.Ifaces().size()));
}

// iface(slot): { ifindex, name, hatype, linkType } of an interface the ring has seen.
Napi::Value RingWrap::Iface(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t slot = info[0].As<Napi::Number>().Uint32Value();
  if (slot >= ring_.Ifaces().size()) return env.Undefined();
  const RingIface& f = ring_.Ifaces()[slot];
  Napi::Object o = Napi::Object::New(env);
  o.Set("ifindex", Napi::Number::New(env, f.ifindex));
  o.Set("name", Napi::String::New(env, ring_.IfaceName(f.ifindex)));
  o.Set("hatype", Napi::Number::New(env, f.hatype));
  o.Set("linkType", Napi::Number::New(env, f.linkType));
  return o;
}

// takeError(): the socket's pending error (SO_ERROR, cleared by reading), e.g. ENETDOWN after the
// interface went down or was removed; 0 if none.
Napi::Value RingWrap::TakeError(const Napi::CallbackInfo& info) {
  int err = 0;
  socklen_t len = sizeof err;
  if (ring_.IsOpen() && getsockopt(ring_.Fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  return Napi::Number::New(info.Env(), err);
}

// ifaceGone(): the interface the ring is bound to no longer exists in the ring's namespace.
Napi::Value RingWrap::IfaceGone(const Napi::CallbackInfo& info) {
  bool gone = ring_.IsOpen() && ring_.Ifindex() != 0 && ring_.IfaceName(ring_.Ifindex()).empty();
  return Napi::Boolean::New(info.Env(), gone);
}

Napi::Value RingWrap::Close(const Napi::CallbackInfo& info) {
  ring_.PollStats();
  Shutdown();
  return info.Env().Undefined();
}

void RingWrap::Shutdown() {
  if (watching_) uv_poll_stop(&poll_);
  watching_ = false;
  ring_.Close();
  if (pollOpen_ && !pollClosing_) {
    pollClosing_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&poll_), OnPollClosed);
  } else if (!pollOpen_ && cleanupHook_ != nullptr) {
    napi_remove_async_cleanup_hook(cleanupHook_);
    cleanupHook_ = nullptr;
  }
}

void RingWrap::OnPollClosed(uv_handle_t* handle) {
  auto* self = static_cast<RingWrap*>(handle->data);
  self->pollOpen_ = false;
  self->pollClosing_ = false;
  if (self->cleanupHook_ != nullptr) {
    napi_remove_async_cleanup_hook(self->cleanupHook_);
    self->cleanupHook_ = nullptr;
  }
  self->Unref();
}

void RingWrap::OnEnvCleanup(napi_async_cleanup_hook_handle /*hook*/, void* arg) {
  static_cast<RingWrap*>(arg)->Shutdown();
}

}  // namespace kwire
