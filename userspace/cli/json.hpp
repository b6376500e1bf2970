// SPDX-License-Identifier: GPL-2.0-only
// JSON renderings of the library's objects, in ndctl's key style:
// snake_case keys, sizes as integers in bytes (strings with -u).
#pragma once

#include "privnode/cxl.hpp"
#include "privnode/node.hpp"

#include <nlohmann/json.hpp>

namespace privnodectl {

nlohmann::ordered_json to_json(const privnode::Node &n, bool human);
nlohmann::ordered_json to_json(const privnode::Memdev &m, bool human);
nlohmann::ordered_json to_json(const privnode::Region &r, bool human);
// Pretty-printed with a trailing newline, like cxl list.
void print_json(const nlohmann::ordered_json &j);

} // namespace privnodectl
