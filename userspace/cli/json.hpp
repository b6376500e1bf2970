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
// A list as cxl list prints it (util_display_json_array() of ndctl 76.1):
// the array, unless @human (-u) and it holds at most one object; then that
// object alone, and nothing when it is empty.
void print_json_array(const nlohmann::ordered_json &arr, bool human);

} // namespace privnodectl
