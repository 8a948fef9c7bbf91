// Certificates generated at test time with OpenSSL (EC P-256, in memory): a CA, server
// certificates with chosen subjectAltNames and client certificates.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace orka::testing {

struct Pem {
  std::string certificate;
  std::string key;
};

class TestPki {
 public:
  TestPki();  // a fresh self-signed CA
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& ca_pem() const { return ca_.certificate; }
  // sans like {"DNS:localhost", "IP:127.0.0.1"}
  Pem server(const std::string& common_name, const std::vector<std::string>& sans) const;
  Pem client(const std::string& common_name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Pem ca_;
};

}  // namespace orka::testing
