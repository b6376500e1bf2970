// SPDX-License-Identifier: GPL-2.0-only
// Errors as values: every failure carries the errno, the file it concerns
// and what was being done, so the CLI can say exactly what went wrong.
#pragma once

#include <expected>
#include <string>

namespace privnode {

struct Error {
	int err = 0; // errno value (positive), 0 if not an OS error
	std::string path; // the sysfs file or object concerned, may be empty
	std::string what; // what failed, e.g. "write 'ram'"
};

// "PATH: WHAT: strerror(ERR)", leaving out the parts that are empty.
[[nodiscard]] std::string to_string(const Error &e);

template <class T> using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(int err, std::string path, std::string what)
{
	return std::unexpected(Error{err, std::move(path), std::move(what)});
}

} // namespace privnode
