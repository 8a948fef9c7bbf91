#include "util/private_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

namespace orka::core {

Result<void> make_private_folders(const std::filesystem::path& folder, int owned,
                                  std::string_view what) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec)
    return fail(ErrorKind::Internal,
                fmt::format("cannot create {} folder {}: {}", what, folder.string(), ec.message()));
  std::filesystem::path private_folder = folder;
  for (int i = 0; i < owned; ++i, private_folder = private_folder.parent_path())
    ::chmod(private_folder.c_str(), 0700);
  return {};
}

Result<void> write_private_file(const std::filesystem::path& file, std::string_view content,
                                std::string_view what) {
  std::filesystem::path temporary = file;
  temporary += fmt::format(".{}.tmp", ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out)
      return fail(ErrorKind::Internal, fmt::format("cannot write {} {}", what, temporary.string()));
  }
  ::chmod(temporary.c_str(), 0600);
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return fail(ErrorKind::Internal, fmt::format("cannot write {} {}", what, file.string()));
  }
  return {};
}

}  // namespace orka::core
