// JS class `Ring`: one AF_PACKET TPACKET_V3 ring, with readiness delivered by a libuv poll handle
// on the owning thread's own event loop (no thread pool, nothing to wake while idle).
#pragma once

#include <napi.h>
#include <uv.h>

#include "ring.h"

namespace kwire {

Napi::Error SysErrorToJs(Napi::Env env, const SysError& e);

class RingWrap : public Napi::ObjectWrap<RingWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new Ring(options, onReadable)
  RingWrap(const Napi::CallbackInfo& info);
  ~RingWrap() override;

 private:
  Napi::Value Fill(const Napi::CallbackInfo& info);
  Napi::Value Ready(const Napi::CallbackInfo& info);
  Napi::Value Watch(const Napi::CallbackInfo& info);
  Napi::Value Unwatch(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value IfaceCount(const Napi::CallbackInfo& info);
  Napi::Value Iface(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value TakeError(const Napi::CallbackInfo& info);
  Napi::Value IfaceGone(const Napi::CallbackInfo& info);

  void Shutdown();
  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnPollClosed(uv_handle_t* handle);
  static void OnEnvCleanup(napi_async_cleanup_hook_handle hook, void* arg);

  Ring ring_;
  uv_poll_t poll_;
  bool pollOpen_ = false;     // uv_poll_init done and uv_close not yet completed
  bool pollClosing_ = false;
  bool watching_ = false;
  napi_async_cleanup_hook_handle cleanupHook_ = nullptr;
  Napi::FunctionReference onReadable_;
  Napi::AsyncContext* asyncContext_ = nullptr;
};

}  // namespace kwire
