#include <doctest/doctest.h>

#include <string>

#include "orka/api_path.hpp"

using orka::ApiPath;
using orka::url_encode;

TEST_CASE("url_encode keeps RFC 3986 unreserved characters and encodes the rest") {
  CHECK(url_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(url_encode("a b&c=d/e?") == "a%20b%26c%3Dd%2Fe%3F");
  CHECK(url_encode("#%+;:@!$'()*,[]") == "%23%25%2B%3B%3A%40%21%24%27%28%29%2A%2C%5B%5D");
  CHECK(url_encode("<>{}|\\\"^`") == "%3C%3E%7B%7D%7C%5C%22%5E%60");
  CHECK(url_encode("ü") == "%C3%BC");
  CHECK(url_encode(std::string_view("\0\xff", 2)) == "%00%FF");
  CHECK(url_encode("\r\n\t\x7f") == "%0D%0A%09%7F");
  CHECK(url_encode("").empty());
}

TEST_CASE("ApiPath builds group/version roots") {
  CHECK(ApiPath::group_version("", "v1").str() == "/api/v1");
  CHECK(ApiPath::group_version("apps", "v1").str() == "/apis/apps/v1");
  CHECK(ApiPath::group_version("policy/v1beta1").str() == "/apis/policy/v1beta1");
  CHECK(ApiPath::group_version("v1").str() == "/api/v1");
  CHECK(ApiPath().segment("api").str() == "/api");
  CHECK(ApiPath().str() == "/");
}

TEST_CASE("ApiPath keeps each segment one segment, whatever it holds") {
  auto pods = [] { return ApiPath::group_version("", "v1").in_namespace("web").segment("pods"); };
  CHECK(ApiPath(pods()).segment("p-1").str() == "/api/v1/namespaces/web/pods/p-1");
  // A slash cannot add a segment, a '?' cannot start a query, a '#' cannot cut the path.
  CHECK(ApiPath(pods()).segment("x/configmaps/marker").str() ==
        "/api/v1/namespaces/web/pods/x%2Fconfigmaps%2Fmarker");
  CHECK(ApiPath(pods()).segment("p?dryRun=All").str() == "/api/v1/namespaces/web/pods/p%3FdryRun%3DAll");
  CHECK(ApiPath(pods()).segment("p#frag").str() == "/api/v1/namespaces/web/pods/p%23frag");
  // '%' is encoded, so "%2F" typed by a user does not turn into a slash on the server.
  CHECK(ApiPath(pods()).segment("a%2Fb").str() == "/api/v1/namespaces/web/pods/a%252Fb");
  CHECK(ApiPath(pods()).segment("a b").str() == "/api/v1/namespaces/web/pods/a%20b");
  // CR/LF cannot end the request line.
  CHECK(ApiPath(pods()).segment("p HTTP/1.1\r\nHost: x\r\n\r\nDELETE /y").str() ==
        "/api/v1/namespaces/web/pods/p%20HTTP%2F1.1%0D%0AHost%3A%20x%0D%0A%0D%0ADELETE%20%2Fy");
  CHECK(ApiPath(pods()).segment("日本").str() == "/api/v1/namespaces/web/pods/%E6%97%A5%E6%9C%AC");
  // "." and ".." would walk the path on servers that normalise it.
  CHECK(ApiPath(pods()).segment("..").str() == "/api/v1/namespaces/web/pods/%2E%2E");
  CHECK(ApiPath(pods()).segment(".").str() == "/api/v1/namespaces/web/pods/%2E");
  CHECK(ApiPath(pods()).segment("a.b").str() == "/api/v1/namespaces/web/pods/a.b");
}

TEST_CASE("ApiPath encodes the namespace as one segment and skips an empty one") {
  CHECK(ApiPath::group_version("", "v1").in_namespace("").segment("pods").str() == "/api/v1/pods");
  CHECK(ApiPath::group_version("", "v1").in_namespace("ns/configmaps/marker?x=").segment("pods").str() ==
        "/api/v1/namespaces/ns%2Fconfigmaps%2Fmarker%3Fx%3D/pods");
}

TEST_CASE("ApiPath encodes query keys and values and joins them with '&'") {
  ApiPath path = ApiPath::group_version("", "v1").segment("pods");
  path.query("fieldSelector", "spec.nodeName=n1").query("labelSelector", "app in (a,b)");
  CHECK(path.path() == "/api/v1/pods");
  CHECK(path.str() == "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&labelSelector=app%20in%20%28a%2Cb%29");
  ApiPath hostile = ApiPath().segment("x");
  hostile.query("command", "a&dryRun=All#\r\n");
  CHECK(hostile.str() == "/x?command=a%26dryRun%3DAll%23%0D%0A");
  // A query on the root path still has its slash.
  CHECK(ApiPath().query("a", "1").str() == "/?a=1");
}

TEST_CASE("ApiPath values compare by their encoded text") {
  CHECK(ApiPath().segment("a") == ApiPath().segment("a"));
  CHECK_FALSE(ApiPath().segment("a/b") == ApiPath().segment("a").segment("b"));
}
