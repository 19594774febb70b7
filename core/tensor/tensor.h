#pragma once
// Tensor: shape, strides, dtype and device over reference-counted storage, plus the autograd
// bookkeeping (graph edges and gradient). Methods here never record autograd history; the
// differentiable operations live in core/ops/ops.h.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/device/device.h"
#include "core/device/dtype.h"
#include "core/tensor/bf16.h"
#include "core/tensor/storage.h"

namespace tessera {

using Shape = std::vector<int64_t>;

int64_t shape_numel(const Shape& shape);
Shape contiguous_strides(const Shape& shape);
std::string shape_str(const Shape& shape);

class Tensor;
// Receives the gradient of a node's output and adds the gradients of its inputs
// (see autograd::BackwardContext).
using BackwardFn = std::function<void(std::vector<Tensor>& inputs, const Tensor& grad_output)>;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  int64_t offset = 0;  // in elements
  Shape shape;
  Shape strides;  // in elements
  DType dtype = DType::f32;

  // autograd
  bool requires_grad = false;
  std::vector<Tensor> inputs;  // graph edges, empty for leaves
  BackwardFn backward;         // null for leaves
  std::shared_ptr<TensorImpl> grad;
  bool grad_owned = false;  // false while grad may alias another tensor's memory
};

template <class T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::f32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::f64; };
template <> struct dtype_of<bf16> { static constexpr DType value = DType::bf16; };
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::i32; };
template <> struct dtype_of<int64_t> { static constexpr DType value = DType::i64; };
template <> struct dtype_of<uint8_t> { static constexpr DType value = DType::u8; };

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // creation
  static Tensor empty(const Shape& shape, DType dtype = DType::f32, Device device = {});
  static Tensor zeros(const Shape& shape, DType dtype = DType::f32, Device device = {});
  static Tensor full(const Shape& shape, double value, DType dtype = DType::f32, Device device = {});
  static Tensor ones(const Shape& shape, DType dtype = DType::f32) { return full(shape, 1.0, dtype); }
  static Tensor arange(int64_t n, DType dtype = DType::i64);
  template <class T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape) {
    Tensor t = empty(shape, dtype_of<T>::value);
    check_count(values.size(), t.numel());
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
  }

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  const Shape& strides() const { return impl_->strides; }
  int64_t dim() const { return static_cast<int64_t>(impl_->shape.size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  int64_t stride(int64_t d) const;
  int64_t numel() const { return shape_numel(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->storage->device(); }
  bool is_contiguous() const;
  int64_t offset() const { return impl_->offset; }
  size_t nbytes() const { return numel() * dtype_size(dtype()); }

  template <class T>
  T* data() const {
    check_dtype(dtype_of<T>::value);
    return static_cast<T*>(impl_->storage->data()) + impl_->offset;
  }
  void* raw_data() const;
  double item() const;          // one-element tensor as double (copied to the host if needed)
  std::vector<double> to_doubles() const;  // any dtype, logical order, on the host

  // Raw (non-differentiable) helpers.
  Tensor as_strided(const Shape& shape, const Shape& strides, int64_t offset) const;
  Tensor contiguous_copy() const;  // always a fresh contiguous tensor
  Tensor clone() const { return contiguous_copy(); }
  Tensor to(DType dtype) const;    // converted copy (same dtype: a copy too)
  // Contiguous copy on `device` (an explicit host/device transfer; same device: a copy too).
  Tensor to(Device device) const;
  Tensor detach() const;           // shares storage, no autograd history
  void fill_(double value);
  void copy_(const Tensor& src);   // same shape (or both contiguous, same numel) and dtype
  void add_(const Tensor& other);  // same shape and dtype; any strides
  bool same_storage(const Tensor& other) const { return impl_->storage == other.impl_->storage; }

  // autograd
  bool requires_grad() const { return impl_ && impl_->requires_grad; }
  Tensor& set_requires_grad(bool value);
  bool is_leaf() const { return !impl_->backward; }
  Tensor grad() const { return Tensor(impl_->grad); }
  void set_grad(const Tensor& g);
  void zero_grad() { impl_->grad.reset(); impl_->grad_owned = false; }
  // Adds g to this tensor's gradient; used by backward functions.
  void accumulate_grad(const Tensor& g);
  // Adds g into the window (strides, offset, in elements, of a contiguous tensor of this shape)
  // of this tensor's gradient: the backward of a view, without a full-size temporary.
  void accumulate_grad_window(const Tensor& g, const Shape& strides, int64_t offset);
  // Reverse-mode pass from this scalar (or from this tensor with the given output gradient).
  void backward(const Tensor& grad_output = Tensor()) const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  static void check_count(size_t given, int64_t expected);
  Tensor owned_grad();  // the gradient buffer, allocated (zeros) or un-aliased as needed
  void check_dtype(DType expected) const;
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace tessera
