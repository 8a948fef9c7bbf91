#include "transport/tls_session_cache.hpp"

namespace orka::core {
namespace {

int tag_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

void TlsSessionCache::install(SSL_CTX* ctx) {
  // The cache lives here, not in OpenSSL's internal store, which a client does not consult.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, &TlsSessionCache::on_new_session);
}

std::shared_ptr<void> TlsSessionCache::prepare(SSL* ssl, const std::string& identity) {
  auto tag = std::make_shared<Tag>(Tag{weak_from_this(), identity});
  SSL_set_ex_data(ssl, tag_index(), tag.get());
  std::lock_guard lock(mutex_);
  if (auto found = sessions_.find(identity); found != sessions_.end()) {
    if (SSL_SESSION_is_resumable(found->second.get()) == 1)
      SSL_set_session(ssl, found->second.get());  // takes its own reference
    else
      sessions_.erase(found);
  }
  return tag;
}

std::size_t TlsSessionCache::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

int TlsSessionCache::on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* tag = static_cast<Tag*>(SSL_get_ex_data(ssl, tag_index()));
  if (tag == nullptr) return 0;
  auto cache = tag->cache.lock();
  if (!cache) return 0;
  std::lock_guard lock(cache->mutex_);
  cache->sessions_[tag->identity].reset(session);  // returning 1: the reference is ours
  return 1;
}

}  // namespace orka::core
