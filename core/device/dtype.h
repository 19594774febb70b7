#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace tessera {

// f64 exists so that gradient checks can run every op in double precision; models use f32
// (bf16 for storage), indices use i32/i64, masks use u8.
enum class DType : uint8_t { f32, f64, bf16, i32, i64, u8 };

size_t dtype_size(DType t);
const char* dtype_name(DType t);
DType dtype_from_name(const std::string& name);
inline bool is_floating(DType t) { return t == DType::f32 || t == DType::f64 || t == DType::bf16; }

}  // namespace tessera
