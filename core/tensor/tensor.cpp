#include "core/tensor/tensor.h"

#include <cstring>

#include "core/cuda/call.h"
#include "core/cuda/runtime.h"
#include "core/tensor/cuda/tensor_kernels.h"
#include "core/util/error.h"

namespace tessera {

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size());
  int64_t s = 1;
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

std::string shape_str(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

namespace {

double load_as_double(const void* base, DType t, int64_t i) {
  switch (t) {
    case DType::f32: return static_cast<const float*>(base)[i];
    case DType::f64: return static_cast<const double*>(base)[i];
    case DType::bf16: return bf16_to_float(static_cast<const bf16*>(base)[i]);
    case DType::i32: return static_cast<const int32_t*>(base)[i];
    case DType::i64: return static_cast<double>(static_cast<const int64_t*>(base)[i]);
    case DType::u8: return static_cast<const uint8_t*>(base)[i];
  }
  return 0;
}

void store_from_double(void* base, DType t, int64_t i, double v) {
  switch (t) {
    case DType::f32: static_cast<float*>(base)[i] = static_cast<float>(v); break;
    case DType::f64: static_cast<double*>(base)[i] = v; break;
    case DType::bf16: static_cast<bf16*>(base)[i] = float_to_bf16(static_cast<float>(v)); break;
    case DType::i32: static_cast<int32_t*>(base)[i] = static_cast<int32_t>(v); break;
    case DType::i64: static_cast<int64_t*>(base)[i] = static_cast<int64_t>(v); break;
    case DType::u8: static_cast<uint8_t*>(base)[i] = static_cast<uint8_t>(v); break;
  }
}

// Visits every element of a strided tensor in logical (row-major) order, calling
// f(src_element_offset, logical_index).
template <class F>
void for_each_offset(const Shape& shape, const Shape& strides, F&& f) {
  const int64_t n = shape_numel(shape);
  if (n == 0) return;
  const size_t nd = shape.size();
  std::vector<int64_t> idx(nd, 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    f(off, i);
    for (int64_t d = static_cast<int64_t>(nd) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) {
        off += strides[d];
        break;
      }
      off -= strides[d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  // Sizes come from users (configs, flags, files): a product that wraps must fail here, not
  // become a small or negative allocation.
  int64_t bytes = static_cast<int64_t>(dtype_size(dtype));
  for (int64_t s : shape) {
    if (s < 0) throw ShapeError("negative dimension in shape " + shape_str(shape));
    if (__builtin_mul_overflow(bytes, s, &bytes)) throw ShapeError("shape " + shape_str(shape) + " has more bytes than fit in 64 bits");
  }
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(bytes, device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  if (device.is_cpu())
    std::memset(t.raw_data(), 0, t.nbytes());
  else
    TESSERA_CUDA_CALL(cuda::fill(t, 0.0));
  return t;
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  t.fill_(value);
  return t;
}

Tensor Tensor::arange(int64_t n, DType dtype) {
  Tensor t = empty({n}, dtype);
  for (int64_t i = 0; i < n; ++i) store_from_double(t.raw_data(), dtype, i, static_cast<double>(i));
  return t;
}

int64_t Tensor::size(int64_t d) const {
  const int64_t nd = dim();
  if (d < 0) d += nd;
  if (d < 0 || d >= nd) throw ShapeError("dimension " + std::to_string(d) + " out of range for shape " + shape_str(shape()));
  return impl_->shape[d];
}

int64_t Tensor::stride(int64_t d) const {
  if (d < 0) d += dim();
  return impl_->strides.at(d);
}

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t i = dim() - 1; i >= 0; --i) {
    if (impl_->shape[i] != 1 && impl_->strides[i] != expected) return false;
    expected *= impl_->shape[i];
  }
  return true;
}

void* Tensor::raw_data() const {
  return static_cast<char*>(impl_->storage->data()) + impl_->offset * dtype_size(dtype());
}

void Tensor::check_count(size_t given, int64_t expected) {
  if (static_cast<int64_t>(given) != expected)
    throw ShapeError("from_vector: " + std::to_string(given) + " values for " + std::to_string(expected) + " elements");
}

void Tensor::check_dtype(DType expected) const {
  if (dtype() != expected)
    throw ShapeError(std::string("tensor has dtype ") + dtype_name(dtype()) + ", expected " + dtype_name(expected));
}

double Tensor::item() const {
  if (numel() != 1) throw ShapeError("item() on a tensor of shape " + shape_str(shape()));
  if (!device().is_cpu()) return to(Device::cpu()).item();
  return load_as_double(raw_data(), dtype(), 0);
}

std::vector<double> Tensor::to_doubles() const {
  if (!device().is_cpu()) return to(Device::cpu()).to_doubles();
  std::vector<double> out(numel());
  const void* base = raw_data();
  const DType t = dtype();
  for_each_offset(shape(), strides(), [&](int64_t off, int64_t i) { out[i] = load_as_double(base, t, off); });
  return out;
}

Tensor Tensor::as_strided(const Shape& shape, const Shape& strides, int64_t offset) const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->offset = offset;
  impl->shape = shape;
  impl->strides = strides;
  impl->dtype = impl_->dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::detach() const { return as_strided(shape(), strides(), offset()); }

Tensor Tensor::contiguous_copy() const {
  Tensor out = empty(shape(), dtype(), device());
  out.copy_(*this);
  return out;
}

Tensor Tensor::to(Device target) const {
  if (target == device()) return contiguous_copy();
  cuda::require_device(target);
  // One flat copy moves a contiguous tensor; a strided one is packed on its own device first.
  const Tensor packed = is_contiguous() ? *this : contiguous_copy();
  Tensor out = empty(shape(), dtype(), target);
  cuda::copy_bytes(out.raw_data(), target, packed.raw_data(), packed.device(), nbytes());
  return out;
}

Tensor Tensor::to(DType target) const {
  if (target == dtype()) return contiguous_copy();
  Tensor out = empty(shape(), target, device());
  if (!device().is_cpu()) {
    TESSERA_CUDA_CALL(cuda::copy_strided(out, *this));
    return out;
  }
  const void* src = raw_data();
  void* dst = out.raw_data();
  const DType st = dtype();
  for_each_offset(shape(), strides(), [&](int64_t off, int64_t i) {
    store_from_double(dst, target, i, load_as_double(src, st, off));
  });
  return out;
}

void Tensor::fill_(double value) {
  if (!is_contiguous()) throw ShapeError("fill_ needs a contiguous tensor");
  if (!device().is_cpu()) {
    TESSERA_CUDA_CALL(cuda::fill(*this, value));
    return;
  }
  const int64_t n = numel();
  void* p = raw_data();
  switch (dtype()) {
    case DType::f32: std::fill_n(static_cast<float*>(p), n, static_cast<float>(value)); break;
    case DType::f64: std::fill_n(static_cast<double*>(p), n, value); break;
    default:
      for (int64_t i = 0; i < n; ++i) store_from_double(p, dtype(), i, value);
  }
}

namespace {

// Visits two same-shaped strided layouts row by row (the innermost dimension), calling
// f(dst_offset, src_offset, length, dst_step, src_step) in elements.
template <class F>
void walk_rows(const Shape& shape, const Shape& dst_strides, const Shape& src_strides, F&& f) {
  if (shape.empty()) {
    f(0, 0, 1, 1, 1);
    return;
  }
  const int64_t nd = static_cast<int64_t>(shape.size()) - 1;
  const int64_t len = shape.back();
  const int64_t rows = shape_numel(Shape(shape.begin(), shape.end() - 1));
  if (len == 0) return;
  std::vector<int64_t> idx(nd, 0);
  int64_t so = 0, dof = 0;
  for (int64_t r = 0; r < rows; ++r) {
    f(dof, so, len, dst_strides.back(), src_strides.back());
    for (int64_t d = nd - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) {
        so += src_strides[d];
        dof += dst_strides[d];
        break;
      }
      so -= src_strides[d] * (shape[d] - 1);
      dof -= dst_strides[d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
}

template <class T>
void add_rows(T* dst, const T* src, const Shape& shape, const Shape& dst_strides, const Shape& src_strides) {
  walk_rows(shape, dst_strides, src_strides, [&](int64_t d, int64_t s, int64_t n, int64_t ds, int64_t ss) {
    if (ds == 1 && ss == 1) {
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) dst[d + i] += src[s + i];
    } else {
      for (int64_t i = 0; i < n; ++i) dst[d + i * ds] += src[s + i * ss];
    }
  });
}

}  // namespace

void Tensor::copy_(const Tensor& src) {
  if (src.dtype() != dtype())
    throw ShapeError(std::string("copy_: dtype ") + dtype_name(src.dtype()) + " into " + dtype_name(dtype()));
  const bool flat = is_contiguous() && src.is_contiguous() && src.numel() == numel();
  if (flat && device().is_cpu() && src.device().is_cpu()) {
    std::memcpy(raw_data(), src.raw_data(), nbytes());
    return;
  }
  if (flat && src.device() != device()) {
    cuda::copy_bytes(raw_data(), device(), src.raw_data(), src.device(), nbytes());
    return;
  }
  if (!flat && src.shape() != shape())
    throw ShapeError("copy_: " + shape_str(src.shape()) + " into " + shape_str(shape()));
  if (src.device() != device()) {
    copy_(src.to(device()));  // packed and moved in one transfer, then scattered on this device
    return;
  }
  if (!device().is_cpu()) {
    // A flat copy between different shapes reads src as if it had this shape.
    TESSERA_CUDA_CALL(cuda::copy_strided(*this, flat ? src.as_strided(shape(), strides(), src.offset()) : src));
    return;
  }
  const size_t es = dtype_size(dtype());
  char* dst = static_cast<char*>(raw_data());
  const char* s = static_cast<const char*>(src.raw_data());
  walk_rows(shape(), strides(), src.strides(), [&](int64_t d, int64_t so, int64_t n, int64_t ds, int64_t ss) {
    if (ds == 1 && ss == 1) {
      std::memcpy(dst + d * es, s + so * es, n * es);
    } else {
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + (d + i * ds) * es, s + (so + i * ss) * es, es);
    }
  });
}

void Tensor::add_(const Tensor& other) {
  if (other.shape() != shape() || other.dtype() != dtype())
    throw ShapeError("add_: " + shape_str(other.shape()) + " into " + shape_str(shape()));
  if (other.device() != device())
    throw ShapeError("add_: a tensor on " + other.device().str() + " into one on " + device().str());
  if (!device().is_cpu()) {
    TESSERA_CUDA_CALL(cuda::add_strided(*this, other));
    return;
  }
  const int64_t n = numel();
  if (dtype() == DType::f32 && is_contiguous() && other.is_contiguous()) {
    float* a = data<float>();
    const float* b = other.data<float>();
#pragma omp parallel for simd if (n > 65536) schedule(static)
    for (int64_t i = 0; i < n; ++i) a[i] += b[i];
  } else if (dtype() == DType::f32) {
    add_rows(data<float>(), other.data<float>(), shape(), strides(), other.strides());
  } else if (dtype() == DType::f64) {
    add_rows(data<double>(), other.data<double>(), shape(), strides(), other.strides());
  } else {
    throw ShapeError(std::string("add_ on dtype ") + dtype_name(dtype()));
  }
}

Tensor& Tensor::set_requires_grad(bool value) {
  if (value && !is_floating(dtype())) throw ShapeError("only floating tensors can require grad");
  impl_->requires_grad = value;
  return *this;
}

void Tensor::set_grad(const Tensor& g) {
  impl_->grad = g.impl_ptr();
  impl_->grad_owned = false;
}

Tensor Tensor::owned_grad() {
  if (!impl_->grad) {
    impl_->grad = zeros(shape(), dtype(), device()).impl_ptr();
  } else if (!impl_->grad_owned) {
    impl_->grad = Tensor(impl_->grad).contiguous_copy().impl_ptr();
  }
  impl_->grad_owned = true;
  return Tensor(impl_->grad);
}

void Tensor::accumulate_grad_window(const Tensor& g, const Shape& strides, int64_t offset) {
  Tensor grad = owned_grad();
  grad.as_strided(g.shape(), strides, grad.offset() + offset).add_(g);
}

void Tensor::accumulate_grad(const Tensor& g) {
  if (g.shape() != shape())
    throw ShapeError("gradient of shape " + shape_str(g.shape()) + " for a tensor of shape " + shape_str(shape()));
  if (!impl_->grad) {
    // Keep the caller's tensor without copying; it may alias another gradient, so it is not
    // written in place until it is our own.
    impl_->grad = g.is_contiguous() ? g.impl_ptr() : g.contiguous_copy().impl_ptr();
    impl_->grad_owned = false;
    return;
  }
  Tensor current(impl_->grad);
  if (!impl_->grad_owned) {
    current = current.contiguous_copy();
    impl_->grad = current.impl_ptr();
    impl_->grad_owned = true;
  }
  current.add_(g.is_contiguous() ? g : g.contiguous_copy());
}

}  // namespace tessera
