// Table-driven op tests in the style of ggml's test-backend-ops. Every differentiable op of
// core/ops/ops.h, with its interesting variants, is one row of a table: how to build its inputs,
// how to apply it, and an independent reference written as naive loops in double precision.
// The harness checks every row the same way: the forward pass in f32 and in f64 against the
// reference, and the backward pass in f64 against central finite differences. Rows too large
// for finite differences, sized to cross the kernels' work splits, form a second, forward-only
// table.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/autograd/autograd.h"
#include "core/cuda/runtime.h"
#include "core/ops/cpu/bf16_gemm.h"
#include "core/ops/matmul_precision.h"
#include "core/ops/ops.h"
#include "core/tensor/tensor.h"
#include "core/util/rng.h"
#include "tests/core/declared_functions.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

using Vec = std::vector<double>;
using Vecs = std::vector<Vec>;
using Tensors = std::vector<Tensor>;
using Index = std::vector<int64_t>;

constexpr double kPi = 3.14159265358979323846;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint64_t kInputSeed = 20240611;
constexpr uint64_t kLossWeightSeed = 977;

// ---- backends: the device column of the table ----

// The table is built twice: op_table_test runs the CPU column, and op_table_cuda_test (compiled
// with TESSERA_OP_TABLE_CUDA) the CUDA column, whose `place` copies a host-built tensor to the
// device. Rows, references and checks are shared, since inputs are only ever made through `place`
// and results are read back with to_doubles().
enum class Backend { cpu, cuda };
#if TESSERA_OP_TABLE_CUDA
const Backend kBackends[] = {Backend::cuda};
#else
const Backend kBackends[] = {Backend::cpu};
#endif

const char* backend_name(Backend backend) {
  switch (backend) {
    case Backend::cpu: return "cpu";
    case Backend::cuda: return "cuda";
  }
  return "unknown";
}

// Names the backend in gtest's failure messages instead of its bytes.
void PrintTo(Backend backend, std::ostream* os) { *os << backend_name(backend); }

Tensor place(const Tensor& host, Backend backend) {
  switch (backend) {
    case Backend::cpu: return host;
    case Backend::cuda: return host.to(Device::cuda(0));
  }
  return host;
}

Tensor from_doubles(const Vec& values, const Shape& shape, DType dtype, Backend backend) {
  return place(Tensor::from_vector(values, shape).to(dtype), backend);
}

Vec uniform_values(Generator& rng, int64_t n, double lo, double hi) {
  Vec v(n);
  for (double& x : v) x = lo + (hi - lo) * rng.uniform();
  return v;
}

// n values from lo to hi in equal steps, both ends included.
Vec evenly(int64_t n, double lo, double hi) {
  Vec v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
  return v;
}

// Makes a row's inputs. Floating inputs take the dtype under test and values from a fixed-seed
// counter-based generator, so the f32 and f64 runs see the same numbers up to rounding.
class InputMaker {
 public:
  InputMaker(DType dtype, Backend backend) : dtype_(dtype), backend_(backend), rng_(kInputSeed) {}

  Tensor uniform(const Shape& shape, double lo = -1.0, double hi = 1.0) {
    return from_doubles(uniform_values(rng_, shape_numel(shape), lo, hi), shape, dtype_, backend_);
  }
  // Floating values given exactly, in the dtype under test.
  Tensor values(const Shape& shape, const Vec& v) const { return exact(shape, v, dtype_); }
  // Integer indices and u8 masks, given exactly.
  Tensor exact(const Shape& shape, const Vec& values, DType dtype) const {
    return from_doubles(values, shape, dtype, backend_);
  }

 private:
  DType dtype_;
  Backend backend_;
  Generator rng_;
};

// One row of the table.
struct OpCase {
  std::string name;  // also the test name suffix
  Shape out_shape;
  std::function<Tensors(InputMaker&)> inputs;
  std::function<Tensor(const Tensors&)> apply;
  // Independent of every tessera op: naive loops over the inputs' values in logical order.
  std::function<Vec(const Vecs&)> reference;
  // False where the CUDA kernel computes in f32 and bf16 only (flash attention): its f64 forward
  // and gradient rows are skipped on CUDA, and tests/cuda checks it against the f64 CPU op instead.
  bool cuda_f64 = true;
};

// ---- reference building blocks ----

Index unravel(int64_t flat, const Shape& shape) {
  Index idx(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return idx;
}

int64_t ravel(const Index& idx, const Shape& shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + idx[d];
  return flat;
}

// Flat position, in an operand of `shape` broadcast numpy-style, of an element of the result.
int64_t broadcast_index(const Index& out_idx, const Shape& shape) {
  const size_t lead = out_idx.size() - shape.size();
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + (shape[d] == 1 ? 0 : out_idx[lead + d]);
  return flat;
}

// The values of a tensor of shape `out`, element by element from their multi-index.
template <class F>
Vec tabulate(const Shape& out, F&& value_at) {
  Vec y(shape_numel(out));
  for (int64_t i = 0; i < static_cast<int64_t>(y.size()); ++i) y[i] = value_at(unravel(i, out));
  return y;
}

Shape swapped(Shape s, int64_t d0, int64_t d1) {
  std::swap(s[d0], s[d1]);
  return s;
}

Vec transpose_ref(const Vec& x, const Shape& shape, int64_t d0, int64_t d1) {
  return tabulate(swapped(shape, d0, d1), [&](Index idx) {
    std::swap(idx[d0], idx[d1]);
    return x[ravel(idx, shape)];
  });
}

Vec slice_ref(const Vec& x, const Shape& shape, int64_t dim, int64_t start, int64_t step, const Shape& out) {
  return tabulate(out, [&](Index idx) {
    idx[dim] = start + idx[dim] * step;
    return x[ravel(idx, shape)];
  });
}

double total(const Vec& x) {
  double s = 0;
  for (double v : x) s += v;
  return s;
}

// Sum (or mean) over `dim`, keeping it with size 1.
Vec reduce_ref(const Vec& x, const Shape& shape, int64_t dim, bool mean) {
  Shape kept = shape;
  kept[dim] = 1;
  Vec y(shape_numel(kept), 0.0);
  for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) {
    Index idx = unravel(i, shape);
    idx[dim] = 0;
    y[ravel(idx, kept)] += x[i];
  }
  if (mean)
    for (double& v : y) v /= static_cast<double>(shape[dim]);
  return y;
}

double activate_ref(ops::Activation act, double x) {
  switch (act) {
    case ops::Activation::none: return x;
    case ops::Activation::gelu_tanh:
      return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / kPi) * (x + 0.044715 * x * x * x)));
    case ops::Activation::gelu_erf: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case ops::Activation::silu: return x / (1.0 + std::exp(-x));
  }
  return x;
}

// exp-normalizes one row; -inf entries get probability zero.
Vec softmax_row_ref(const Vec& s) {
  double mx = -kInf;
  for (double v : s) mx = std::max(mx, v);
  Vec p(s.size());
  double sum = 0;
  for (size_t i = 0; i < s.size(); ++i) sum += p[i] = std::exp(s[i] - mx);
  for (double& v : p) v /= sum;
  return p;
}

Vec row_of(const Vec& x, int64_t r, int64_t n) { return Vec(x.begin() + r * n, x.begin() + (r + 1) * n); }

// log(sum(exp(s))), shifted by the row's maximum so that it is finite for any finite scores.
double logsumexp_ref(const Vec& s) {
  double mx = -kInf;
  for (double v : s) mx = std::max(mx, v);
  double sum = 0;
  for (double v : s) sum += std::exp(v - mx);
  return mx + std::log(sum);
}

Vec softmax_ref(const Vec& x, int64_t n) {
  Vec y;
  for (int64_t r = 0; r < static_cast<int64_t>(x.size()) / n; ++r) {
    const Vec p = softmax_row_ref(row_of(x, r, n));
    y.insert(y.end(), p.begin(), p.end());
  }
  return y;
}

// LayerNorm when centered (with beta), RMSNorm otherwise (beta empty).
Vec norm_ref(const Vec& x, const Vec& gamma, const Vec& beta, double eps, bool centered) {
  const int64_t d = static_cast<int64_t>(gamma.size());
  Vec y(x.size());
  for (int64_t r = 0; r < static_cast<int64_t>(x.size()) / d; ++r) {
    const Vec row = row_of(x, r, d);
    const double m = centered ? total(row) / static_cast<double>(d) : 0.0;
    double var = 0;
    for (double v : row) var += (v - m) * (v - m) / static_cast<double>(d);
    for (int64_t i = 0; i < d; ++i)
      y[r * d + i] = (row[i] - m) / std::sqrt(var + eps) * gamma[i] + (beta.empty() ? 0.0 : beta[i]);
  }
  return y;
}

// ---- row families ----

// Makes one floating input of the given shape.
using MakeInput = std::function<Tensor(InputMaker&, const Shape&)>;

MakeInput uniform_in(double lo, double hi) {
  return [=](InputMaker& m, const Shape& shape) { return m.uniform(shape, lo, hi); };
}

MakeInput exactly(Vec values) {
  return [values = std::move(values)](InputMaker& m, const Shape& shape) { return m.values(shape, values); };
}

// The fused residual add + LayerNorm (centered) or RMSNorm: both outputs, the sum then its
// normalization, side by side along the last dimension, so one row checks both and their gradients.
OpCase add_norm_case(std::string name, bool centered) {
  const Shape shape{2, 3, 6};
  return {std::move(name), {2, 3, 12},
          [=](InputMaker& m) {
            Tensors t{m.uniform(shape), m.uniform(shape), m.uniform({6}, 0.5, 1.5)};
            if (centered) t.push_back(m.uniform({6}));
            return t;
          },
          [=](const Tensors& t) {
            const ops::ResidualNorm r = centered ? ops::add_layernorm(t[0], t[1], t[2], t[3], 1e-5)
                                                 : ops::add_rmsnorm(t[0], t[1], t[2], 1e-6);
            return ops::concat({r.sum, r.normalized}, -1);
          },
          [=](const Vecs& v) {
            Vec sum(v[0].size());
            for (size_t i = 0; i < sum.size(); ++i) sum[i] = v[0][i] + v[1][i];
            const Vec normalized = norm_ref(sum, v[2], centered ? v[3] : Vec{}, centered ? 1e-5 : 1e-6, centered);
            return tabulate({2, 3, 12}, [&](const Index& idx) {
              const int64_t i = (idx[0] * 3 + idx[1]) * 6 + idx[2] % 6;
              return idx[2] < 6 ? sum[i] : normalized[i];
            });
          }};
}

OpCase unary_case(std::string name, Shape shape, MakeInput x, std::function<Tensor(const Tensor&)> op,
                  std::function<double(double)> f) {
  return {std::move(name), shape, [=](InputMaker& m) { return Tensors{x(m, shape)}; },
          [=](const Tensors& t) { return op(t[0]); },
          [=](const Vecs& v) {
            Vec y = v[0];
            for (double& x : y) x = f(x);
            return y;
          }};
}

OpCase activation_case(std::string name, ops::Activation act, std::function<Tensor(const Tensor&)> op,
                       Shape shape = {3, 7}, MakeInput x = uniform_in(-3, 3)) {
  return unary_case(std::move(name), std::move(shape), std::move(x), std::move(op),
                    [act](double v) { return activate_ref(act, v); });
}

// Inputs from -150 to 150 in steps of 15: exp(150) overflows f32 and exp(-150) underflows it, so
// an op that exponentiates without care turns a finite value into inf or NaN here.
MakeInput at_150() { return exactly(evenly(21, -150, 150)); }

// [4, 6] logits at +-1000, where exp overflows and underflows even f64, so a row is finite only
// after the shift by its maximum: spread over [-1000, 1000] (one entry takes all the weight),
// close together at 1000, close together at -1000, and all equal.
Vec logits_at_1000() {
  return {-1000,  -600, -200,   200,  600,    1000,  //
          1000,   999.5, 999,   998.5, 998,    997.5,  //
          -997.5, -998,  -998.5, -999, -999.5, -1000,  //
          1000,   1000,  1000,   1000, 1000,   1000};
}

// Softmax over the last dimension.
OpCase softmax_case(std::string name, Shape shape, MakeInput logits) {
  return {std::move(name), shape, [=](InputMaker& m) { return Tensors{logits(m, shape)}; },
          [](const Tensors& t) { return ops::softmax(t[0]); },
          [cols = shape.back()](const Vecs& v) { return softmax_ref(v[0], cols); }};
}

// LayerNorm (centered) or RMSNorm over the last dimension; gamma in [0.5, 1.5], beta in [-1, 1].
OpCase norm_case(std::string name, Shape shape, bool centered, MakeInput x) {
  const Shape params{shape.back()};
  return {std::move(name), shape,
          [=](InputMaker& m) {
            Tensors t{x(m, shape), m.uniform(params, 0.5, 1.5)};
            if (centered) t.push_back(m.uniform(params));
            return t;
          },
          [=](const Tensors& t) {
            return centered ? ops::layernorm(t[0], t[1], t[2], 1e-5) : ops::rmsnorm(t[0], t[1], 1e-6);
          },
          [=](const Vecs& v) { return norm_ref(v[0], v[1], centered ? v[2] : Vec{}, centered ? 1e-5 : 1e-6, centered); }};
}

// Mean cross-entropy of logits [..., V] against one i32 target per row (-100: ignored).
OpCase cross_entropy_case(std::string name, Shape shape, MakeInput logits, Vec targets) {
  const Shape target_shape(shape.begin(), shape.end() - 1);
  return {std::move(name), {},
          [=, targets = std::move(targets)](InputMaker& m) {
            return Tensors{logits(m, shape), m.exact(target_shape, targets, DType::i32)};
          },
          [](const Tensors& t) { return ops::cross_entropy(t[0], t[1]); },
          [V = shape.back()](const Vecs& v) {
            double loss = 0;
            int64_t count = 0;
            for (int64_t r = 0; r < static_cast<int64_t>(v[1].size()); ++r) {
              const double target = v[1][r];
              if (target == -100) continue;
              const Vec row = row_of(v[0], r, V);
              loss += logsumexp_ref(row) - row[static_cast<size_t>(target)];
              ++count;
            }
            return Vec{loss / static_cast<double>(count)};
          }};
}

// weight [V, D] gathered at [N0, N1] integer indices (i64).
OpCase embedding_case(std::string name, Shape weight, Shape index_shape, Vec indices) {
  const int64_t D = weight[1];
  Shape out = index_shape;
  out.push_back(D);
  return {std::move(name), out,
          [=](InputMaker& m) { return Tensors{m.uniform(weight), m.exact(index_shape, indices, DType::i64)}; },
          [](const Tensors& t) { return ops::embedding(t[0], t[1]); },
          [=](const Vecs& v) {
            return tabulate(out, [&](const Index& idx) {
              return v[0][static_cast<int64_t>(v[1][idx[0] * index_shape[1] + idx[1]]) * D + idx[2]];
            });
          }};
}

OpCase dropout_case(std::string name, Shape shape, double p, uint64_t seed, uint64_t offset) {
  return {std::move(name), shape, [=](InputMaker& m) { return Tensors{m.uniform(shape)}; },
          [=](const Tensors& t) { return ops::dropout(t[0], p, seed, offset); },
          [=](const Vecs& v) {
            Vec y(v[0].size());
            for (size_t i = 0; i < y.size(); ++i)
              y[i] = random_uniform(seed, offset + i) >= p ? v[0][i] / (1 - p) : 0.0;
            return y;
          }};
}

OpCase binary_case(std::string name, bool multiply, Shape sa, Shape sb, Shape out) {
  return {std::move(name), out, [=](InputMaker& m) { return Tensors{m.uniform(sa), m.uniform(sb)}; },
          [=](const Tensors& t) { return multiply ? ops::mul(t[0], t[1]) : ops::add(t[0], t[1]); },
          [=](const Vecs& v) {
            return tabulate(out, [&](const Index& idx) {
              const double a = v[0][broadcast_index(idx, sa)], b = v[1][broadcast_index(idx, sb)];
              return multiply ? a * b : a + b;
            });
          }};
}

// Reduces everything to a scalar when dim is empty.
OpCase reduce_case(std::string name, bool mean, Shape shape, std::optional<int64_t> dim, bool keepdim = false) {
  Shape out;
  if (dim) {
    out = shape;
    if (keepdim)
      out[*dim] = 1;
    else
      out.erase(out.begin() + *dim);
  }
  return {std::move(name), out, [=](InputMaker& m) { return Tensors{m.uniform(shape)}; },
          [=](const Tensors& t) {
            if (!dim) return mean ? ops::mean(t[0]) : ops::sum(t[0]);
            return mean ? ops::mean(t[0], *dim, keepdim) : ops::sum(t[0], *dim, keepdim);
          },
          [=](const Vecs& v) {
            if (dim) return reduce_ref(v[0], shape, *dim, mean);
            return Vec{total(v[0]) / (mean ? static_cast<double>(v[0].size()) : 1.0)};
          }};
}

struct MatmulCase {
  Shape a, b;
  bool ta = false, tb = false;
};

Shape matmul_shape(const MatmulCase& c) {
  const Shape& batched = c.a.size() > 2 ? c.a : c.b;
  Shape out(batched.begin(), batched.end() - 2);
  out.push_back(c.ta ? c.a.back() : c.a[c.a.size() - 2]);
  out.push_back(c.tb ? c.b[c.b.size() - 2] : c.b.back());
  return out;
}

// Triple loop per batch; a 2-D operand is shared by every batch.
Vec matmul_ref(const Vec& a, const Vec& b, const MatmulCase& c) {
  const Shape out = matmul_shape(c);
  const int64_t M = out[out.size() - 2], N = out.back(), K = c.ta ? c.a[c.a.size() - 2] : c.a.back();
  const int64_t batch = shape_numel(out) / (M * N);
  const int64_t a_step = c.a.size() == 2 ? 0 : M * K, b_step = c.b.size() == 2 ? 0 : K * N;
  Vec y(shape_numel(out), 0.0);
  for (int64_t i = 0; i < batch; ++i)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < K; ++k)
          y[(i * M + m) * N + n] += a[i * a_step + (c.ta ? k * M + m : m * K + k)] *
                                    b[i * b_step + (c.tb ? n * K + k : k * N + n)];
  return y;
}

OpCase matmul_case(std::string name, MatmulCase c) {
  return {std::move(name), matmul_shape(c), [=](InputMaker& m) { return Tensors{m.uniform(c.a), m.uniform(c.b)}; },
          [=](const Tensors& t) { return ops::matmul(t[0], t[1], c.ta, c.tb); },
          [=](const Vecs& v) { return matmul_ref(v[0], v[1], c); }};
}

// x [..., in] (by default [2, 3, 4]) and `out` outputs. A nonzero bias_spread sets the bias
// evenly from -bias_spread to bias_spread, which moves the pre-activations out that far.
OpCase linear_case(std::string name, bool with_bias, ops::Activation act, double bias_spread = 0,
                   Shape x_shape = {2, 3, 4}, int64_t out = 5) {
  const int64_t in = x_shape.back(), rows = shape_numel(x_shape) / in;
  Shape out_shape = x_shape;
  out_shape.back() = out;
  return {std::move(name), out_shape,
          [=](InputMaker& m) {
            Tensors t{m.uniform(x_shape), m.uniform({out, in})};
            if (with_bias)
              t.push_back(bias_spread == 0 ? m.uniform({out}) : m.values({out}, evenly(out, -bias_spread, bias_spread)));
            return t;
          },
          [=](const Tensors& t) { return ops::linear(t[0], t[1], with_bias ? t[2] : Tensor(), act); },
          [=](const Vecs& v) {
            Vec y(rows * out);
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t o = 0; o < out; ++o) {
                double acc = with_bias ? v[2][o] : 0.0;
                for (int64_t i = 0; i < in; ++i) acc += v[0][r * in + i] * v[1][o * in + i];
                y[r * out + o] = activate_ref(act, acc);
              }
            return y;
          }};
}

struct AttnCase {
  int64_t B = 2, Tq = 3, Tk = 3, H = 2, Dh = 4;
  bool causal = false;
  bool key_padding = false;  // one padded key per batch row, at a different position in each
  int64_t bias_batch = 0;    // 0: no bias; else the bias's batch size, 1 (broadcast) or B
  double bias_range = 1;     // the bias is uniform in [-bias_range, bias_range]
  bool fused_qkv = false;    // q, k, v as strided slices of one [B, T, 3H, Dh] tensor
  double scale = 0;          // 0: the op's default 1/sqrt(Dh)
};

// S = scale q k^T + bias, masked to -inf, softmax over keys, out = P v; all [B, T, H, Dh].
Vec attention_ref(const Vec& q, const Vec& k, const Vec& v, const Vec* bias, const Vec* pad, const AttnCase& c) {
  const double scale = c.scale != 0 ? c.scale : 1.0 / std::sqrt(static_cast<double>(c.Dh));
  auto at = [&](const Vec& x, int64_t T, int64_t b, int64_t t, int64_t h, int64_t d) {
    return x[((b * T + t) * c.H + h) * c.Dh + d];
  };
  Vec out(c.B * c.Tq * c.H * c.Dh, 0.0);
  for (int64_t b = 0; b < c.B; ++b)
    for (int64_t h = 0; h < c.H; ++h)
      for (int64_t i = 0; i < c.Tq; ++i) {
        Vec s(c.Tk);
        for (int64_t j = 0; j < c.Tk; ++j) {
          const bool masked = (pad && (*pad)[b * c.Tk + j] != 0) || (c.causal && j > i + (c.Tk - c.Tq));
          double dot = 0;
          for (int64_t d = 0; d < c.Dh; ++d) dot += at(q, c.Tq, b, i, h, d) * at(k, c.Tk, b, j, h, d);
          const int64_t bb = c.bias_batch == 1 ? 0 : b;
          s[j] = masked ? -kInf : scale * dot + (bias ? (*bias)[((bb * c.H + h) * c.Tq + i) * c.Tk + j] : 0.0);
        }
        const Vec p = softmax_row_ref(s);
        for (int64_t j = 0; j < c.Tk; ++j)
          for (int64_t d = 0; d < c.Dh; ++d) out[((b * c.Tq + i) * c.H + h) * c.Dh + d] += p[j] * at(v, c.Tk, b, j, h, d);
      }
  return out;
}

// Part p (0: q, 1: k, 2: v) of a fused [B, T, 3H, Dh] tensor as a packed [B, T, H, Dh] array.
Vec fused_part_ref(const Vec& fused, const AttnCase& c, int64_t p) {
  const Shape fused_shape{c.B, c.Tq, 3 * c.H, c.Dh};
  return tabulate({c.B, c.Tq, c.H, c.Dh}, [&](Index idx) {
    idx[2] += p * c.H;
    return fused[ravel(idx, fused_shape)];
  });
}

OpCase attention_case(std::string name, const std::function<void(AttnCase&)>& setup) {
  AttnCase c;
  setup(c);
  const int64_t qkv_inputs = c.fused_qkv ? 1 : 3;
  OpCase row{std::move(name), {c.B, c.Tq, c.H, c.Dh},
          [c](InputMaker& m) {
            Tensors t;
            if (c.fused_qkv) {
              t.push_back(m.uniform({c.B, c.Tq, 3 * c.H, c.Dh}));
            } else {
              t.push_back(m.uniform({c.B, c.Tq, c.H, c.Dh}));
              t.push_back(m.uniform({c.B, c.Tk, c.H, c.Dh}));
              t.push_back(m.uniform({c.B, c.Tk, c.H, c.Dh}));
            }
            if (c.bias_batch) t.push_back(m.uniform({c.bias_batch, c.H, c.Tq, c.Tk}, -c.bias_range, c.bias_range));
            if (c.key_padding) {
              Vec pad(c.B * c.Tk, 0.0);
              for (int64_t b = 0; b < c.B; ++b) pad[b * c.Tk + (2 * b + 1) % c.Tk] = 1;
              t.push_back(m.exact({c.B, c.Tk}, pad, DType::u8));
            }
            return t;
          },
          [c, qkv_inputs](const Tensors& t) {
            ops::AttentionOptions o;
            o.causal = c.causal;
            o.scale = c.scale;
            size_t next = qkv_inputs;
            if (c.bias_batch) o.bias = t[next++];
            if (c.key_padding) o.key_padding_mask = t[next++];
            if (!c.fused_qkv) return ops::attention(t[0], t[1], t[2], o);
            // As the nn Attention module does: strided views of the fused projection, no copies.
            return ops::attention(ops::slice(t[0], 2, 0, c.H), ops::slice(t[0], 2, c.H, 2 * c.H),
                                  ops::slice(t[0], 2, 2 * c.H, 3 * c.H), o);
          },
          [c, qkv_inputs](const Vecs& v) {
            size_t next = qkv_inputs;
            const Vec* bias = c.bias_batch ? &v[next++] : nullptr;
            const Vec* pad = c.key_padding ? &v[next++] : nullptr;
            if (!c.fused_qkv) return attention_ref(v[0], v[1], v[2], bias, pad, c);
            return attention_ref(fused_part_ref(v[0], c, 0), fused_part_ref(v[0], c, 1), fused_part_ref(v[0], c, 2),
                                 bias, pad, c);
          }};
  row.cuda_f64 = false;
  return row;
}

// x [B, T, H, Dh] at positions [T] (i64) or, per batch, [B, T] (i32).
OpCase rope_case(std::string name, Shape x_shape, bool per_batch, Vec positions, double theta) {
  const int64_t B = x_shape[0], T = x_shape[1], H = x_shape[2], Dh = x_shape[3], half = Dh / 2;
  return {std::move(name), x_shape,
          [=](InputMaker& m) {
            Tensor pos = per_batch ? m.exact({B, T}, positions, DType::i32) : m.exact({T}, positions, DType::i64);
            return Tensors{m.uniform(x_shape), pos};
          },
          [=](const Tensors& t) { return ops::rope(t[0], t[1], theta); },
          [=](const Vecs& v) {
            Vec y(v[0].size());
            for (int64_t b = 0; b < B; ++b)
              for (int64_t t = 0; t < T; ++t)
                for (int64_t h = 0; h < H; ++h)
                  for (int64_t i = 0; i < half; ++i) {
                    const double pos = v[1][per_batch ? b * T + t : t];
                    const double angle = pos * std::pow(theta, -2.0 * static_cast<double>(i) / Dh);
                    const int64_t base = ((b * T + t) * H + h) * Dh;
                    const double x1 = v[0][base + i], x2 = v[0][base + i + half];
                    y[base + i] = x1 * std::cos(angle) - x2 * std::sin(angle);
                    y[base + i + half] = x2 * std::cos(angle) + x1 * std::sin(angle);
                  }
            return y;
          }};
}

// pred and target of `shape`; weight (when given) broadcasts to them.
OpCase mse_case(std::string name, Shape shape, std::optional<Shape> weight_shape, MakeInput values = uniform_in(-1, 1)) {
  return {std::move(name), {},
          [=](InputMaker& m) {
            Tensors t{values(m, shape), values(m, shape)};
            if (weight_shape) t.push_back(m.uniform(*weight_shape, 0.5, 1.5));
            return t;
          },
          [=](const Tensors& t) { return ops::mse(t[0], t[1], weight_shape ? t[2] : Tensor()); },
          [=](const Vecs& v) {
            const Vec terms = tabulate(shape, [&](const Index& idx) {
              const int64_t i = ravel(idx, shape);
              const double w = weight_shape ? v[2][broadcast_index(idx, *weight_shape)] : 1.0;
              return w * (v[0][i] - v[1][i]) * (v[0][i] - v[1][i]);
            });
            return Vec{total(terms) / static_cast<double>(terms.size())};
          }};
}

using Complex = std::complex<double>;

// Naive 2-D DFT of every trailing [H, W] plane, keeping columns k <= W/2, as (re, im) pairs.
Vec rfft2_ref(const Vec& x, int64_t H, int64_t W) {
  const int64_t K = W / 2 + 1, planes = static_cast<int64_t>(x.size()) / (H * W);
  Vec y;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t u = 0; u < H; ++u)
      for (int64_t k = 0; k < K; ++k) {
        Complex acc = 0;
        for (int64_t r = 0; r < H; ++r)
          for (int64_t j = 0; j < W; ++j)
            acc += x[(p * H + r) * W + j] *
                   std::polar(1.0, -2 * kPi * (static_cast<double>(u * r) / H + static_cast<double>(k * j) / W));
        y.push_back(acc.real());
        y.push_back(acc.imag());
      }
  return y;
}

// numpy's irfft2: an inverse DFT along H, then along W the inverse of the Hermitian extension
// of the kept columns, scaled by 1/(H W). A Hermitian row has a real zero column (and, for even
// W, a real Nyquist column), so those lose their imaginary parts, but only after the pass along
// H: the gradient of Im X[u, 0] vanishes for u = 0 (and u = H/2) only.
Vec irfft2_ref(const Vec& spectrum, int64_t H, int64_t W) {
  const int64_t K = W / 2 + 1, planes = static_cast<int64_t>(spectrum.size()) / (H * K * 2);
  Vec y;
  for (int64_t p = 0; p < planes; ++p) {
    std::vector<Complex> cols(H * K, 0.0);  // [H, K] after the inverse along H
    for (int64_t r = 0; r < H; ++r)
      for (int64_t k = 0; k < K; ++k)
        for (int64_t u = 0; u < H; ++u) {
          const int64_t at = ((p * H + u) * K + k) * 2;
          cols[r * K + k] += Complex(spectrum[at], spectrum[at + 1]) * std::polar(1.0, 2 * kPi * static_cast<double>(u * r) / H);
        }
    for (int64_t r = 0; r < H; ++r) {
      std::vector<Complex> full(W);
      for (int64_t k = 0; k < W; ++k) full[k] = k < K ? cols[r * K + k] : std::conj(cols[r * K + W - k]);
      full[0] = full[0].real();
      if (W % 2 == 0) full[W / 2] = full[W / 2].real();
      for (int64_t j = 0; j < W; ++j) {
        Complex acc = 0;
        for (int64_t k = 0; k < W; ++k) acc += full[k] * std::polar(1.0, 2 * kPi * static_cast<double>(k * j) / W);
        y.push_back(acc.real() / static_cast<double>(H * W));
      }
    }
  }
  return y;
}

OpCase rfft2_case(std::string name, Shape shape) {
  const int64_t H = shape[shape.size() - 2], W = shape.back();
  Shape out(shape.begin(), shape.end() - 1);
  out.push_back(W / 2 + 1);
  out.push_back(2);
  return {std::move(name), out, [=](InputMaker& m) { return Tensors{m.uniform(shape)}; },
          [](const Tensors& t) { return ops::rfft2(t[0]); }, [=](const Vecs& v) { return rfft2_ref(v[0], H, W); }};
}

// lead = [..., H]; the spectrum is [..., H, width/2+1, 2] with every entry random, the imaginary
// parts that irfft2 drops included, so that the gradient check perturbs them too.
OpCase irfft2_case(std::string name, Shape lead, int64_t width) {
  Shape in = lead, out = lead;
  in.push_back(width / 2 + 1);
  in.push_back(2);
  out.push_back(width);
  return {std::move(name), out, [=](InputMaker& m) { return Tensors{m.uniform(in)}; },
          [=](const Tensors& t) { return ops::irfft2(t[0], width); },
          [=](const Vecs& v) { return irfft2_ref(v[0], lead.back(), width); }};
}

// ---- the table ----

std::vector<OpCase> build_table() {
  using ops::Activation;
  std::vector<OpCase> rows;

  // shape
  rows.push_back({"reshape", {4, 6}, [](InputMaker& m) { return Tensors{m.uniform({2, 3, 4})}; },
                  [](const Tensors& t) { return ops::reshape(t[0], {4, -1}); }, [](const Vecs& v) { return v[0]; }});
  rows.push_back({"reshape_of_transpose", {12, 2}, [](InputMaker& m) { return Tensors{m.uniform({2, 3, 4})}; },
                  [](const Tensors& t) { return ops::reshape(ops::transpose(t[0], 0, 2), {-1, 2}); },
                  [](const Vecs& v) { return transpose_ref(v[0], {2, 3, 4}, 0, 2); }});
  rows.push_back({"transpose", {2, 4, 3}, [](InputMaker& m) { return Tensors{m.uniform({2, 3, 4})}; },
                  [](const Tensors& t) { return ops::contiguous(ops::transpose(t[0], 1, 2)); },
                  [](const Vecs& v) { return transpose_ref(v[0], {2, 3, 4}, 1, 2); }});
  rows.push_back({"slice_step", {3, 3, 2}, [](InputMaker& m) { return Tensors{m.uniform({3, 8, 2})}; },
                  [](const Tensors& t) { return ops::slice(t[0], 1, 1, 8, 3); },
                  [](const Vecs& v) { return slice_ref(v[0], {3, 8, 2}, 1, 1, 3, {3, 3, 2}); }});
  rows.push_back({"slice_start", {3, 4}, [](InputMaker& m) { return Tensors{m.uniform({5, 4})}; },
                  [](const Tensors& t) { return ops::slice(t[0], 0, 2, 5); },
                  [](const Vecs& v) { return slice_ref(v[0], {5, 4}, 0, 2, 1, {3, 4}); }});
  rows.push_back({"slice_of_transpose_negative_start", {2, 4}, [](InputMaker& m) { return Tensors{m.uniform({4, 6})}; },
                  [](const Tensors& t) { return ops::slice(ops::transpose(t[0], 0, 1), 0, -4, 6, 2); },
                  [](const Vecs& v) { return slice_ref(transpose_ref(v[0], {4, 6}, 0, 1), {6, 4}, 0, 2, 2, {2, 4}); }});
  rows.push_back({"concat_middle_dim", {2, 6, 3},
                  [](InputMaker& m) { return Tensors{m.uniform({2, 2, 3}), m.uniform({2, 3, 3}), m.uniform({2, 1, 3})}; },
                  [](const Tensors& t) { return ops::concat(t, 1); },
                  [](const Vecs& v) {
                    const std::array<Shape, 3> parts{Shape{2, 2, 3}, Shape{2, 3, 3}, Shape{2, 1, 3}};
                    return tabulate({2, 6, 3}, [&](Index idx) {
                      size_t p = 0;
                      while (idx[1] >= parts[p][1]) idx[1] -= parts[p++][1];
                      return v[p][ravel(idx, parts[p])];
                    });
                  }});
  rows.push_back({"contiguous_of_slice", {4, 3}, [](InputMaker& m) { return Tensors{m.uniform({4, 6})}; },
                  [](const Tensors& t) { return ops::contiguous(ops::slice(t[0], 1, 1, 6, 2)); },
                  [](const Vecs& v) { return slice_ref(v[0], {4, 6}, 1, 1, 2, {4, 3}); }});

  // elementwise
  rows.push_back(binary_case("add_same_shape", false, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}));
  rows.push_back(binary_case("add_broadcast_leading", false, {2, 3, 4}, {3, 4}, {2, 3, 4}));
  rows.push_back(binary_case("add_broadcast_size1_middle", false, {2, 1, 4}, {2, 3, 4}, {2, 3, 4}));
  rows.push_back(binary_case("mul_same_shape", true, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}));
  rows.push_back(binary_case("mul_broadcast_column", true, {2, 3, 4}, {3, 1}, {2, 3, 4}));
  rows.push_back(unary_case("scale", {3, 5}, uniform_in(-1, 1), [](const Tensor& x) { return ops::scale(x, -1.75); },
                            [](double x) { return -1.75 * x; }));

  // reductions
  rows.push_back(reduce_case("sum_all", false, {3, 4}, std::nullopt));
  rows.push_back(reduce_case("sum_dim_keepdim", false, {2, 3, 4}, 1, true));
  rows.push_back(reduce_case("sum_last_dim", false, {2, 3, 4}, 2));
  rows.push_back(reduce_case("mean_all", true, {3, 4}, std::nullopt));
  rows.push_back(reduce_case("mean_dim", true, {2, 3, 4}, 0));

  // matrix products
  rows.push_back(matmul_case("matmul_2d", {{3, 4}, {4, 5}}));
  rows.push_back(matmul_case("matmul_batched", {{2, 3, 4}, {2, 4, 5}}));
  rows.push_back(matmul_case("matmul_trans_a", {{2, 4, 3}, {2, 4, 5}, true, false}));
  rows.push_back(matmul_case("matmul_trans_b", {{2, 3, 4}, {2, 5, 4}, false, true}));
  rows.push_back(matmul_case("matmul_trans_ab", {{2, 4, 3}, {2, 5, 4}, true, true}));
  rows.push_back(matmul_case("matmul_shared_b", {{2, 3, 4}, {4, 5}}));
  rows.push_back(matmul_case("matmul_shared_b_trans_a", {{2, 4, 3}, {4, 5}, true, false}));
  rows.push_back(matmul_case("matmul_tied_lm_head", {{2, 3, 4}, {6, 4}, false, true}));
  rows.push_back(matmul_case("matmul_shared_a", {{3, 4}, {2, 4, 5}}));
  rows.push_back(linear_case("linear_no_bias", false, Activation::none));
  rows.push_back(linear_case("linear_bias", true, Activation::none));
  rows.push_back(linear_case("linear_bias_gelu_tanh", true, Activation::gelu_tanh));
  rows.push_back(linear_case("linear_bias_gelu_erf", true, Activation::gelu_erf));
  rows.push_back(linear_case("linear_silu", false, Activation::silu));

  // activations and normalization
  rows.push_back(activation_case("gelu_tanh", Activation::gelu_tanh, [](const Tensor& x) { return ops::gelu(x, true); }));
  rows.push_back(activation_case("gelu_erf", Activation::gelu_erf, [](const Tensor& x) { return ops::gelu(x, false); }));
  rows.push_back(activation_case("silu", Activation::silu, [](const Tensor& x) { return ops::silu(x); }));
  rows.push_back(unary_case("softshrink", {3, 7}, uniform_in(-3, 3), [](const Tensor& x) { return ops::softshrink(x, 0.5); },
                            [](double x) { return x > 0.5 ? x - 0.5 : (x < -0.5 ? x + 0.5 : 0.0); }));
  rows.push_back(softmax_case("softmax", {3, 5}, uniform_in(-3, 3)));
  rows.push_back(norm_case("layernorm", {2, 3, 6}, true, uniform_in(-1, 1)));
  rows.push_back(norm_case("rmsnorm", {2, 3, 6}, false, uniform_in(-1, 1)));
  rows.push_back(add_norm_case("add_layernorm", true));
  rows.push_back(add_norm_case("add_rmsnorm", false));

  // attention and position embedding
  rows.push_back(attention_case("attention_plain", [](AttnCase&) {}));
  rows.push_back(attention_case("attention_causal", [](AttnCase& c) { c.causal = true; }));
  rows.push_back(attention_case("attention_key_padding_scaled", [](AttnCase& c) {
    c.key_padding = true;
    c.scale = 0.3;
  }));
  rows.push_back(attention_case("attention_bias", [](AttnCase& c) { c.bias_batch = c.B; }));
  rows.push_back(attention_case("attention_bias_broadcast_batch", [](AttnCase& c) { c.bias_batch = 1; }));
  rows.push_back(attention_case("attention_causal_fewer_queries", [](AttnCase& c) {
    c.causal = true;
    c.Tq = 2;
    c.Tk = 4;
  }));
  // Longer than one query block (32 rows): exercises the causal block skipping, with a padded
  // key and a bias whose gradient must stay zero in the skipped triangle.
  rows.push_back(attention_case("attention_causal_query_blocks", [](AttnCase& c) {
    c.B = 1;
    c.H = 1;
    c.Dh = 2;
    c.Tq = c.Tk = 70;
    c.causal = true;
    c.key_padding = true;
    c.bias_batch = 1;
  }));
  rows.push_back(attention_case("attention_causal_query_blocks_fewer_queries", [](AttnCase& c) {
    c.B = 1;
    c.H = 1;
    c.Dh = 2;
    c.Tq = 40;
    c.Tk = 75;
    c.causal = true;
  }));
  rows.push_back(attention_case("attention_fused_qkv_slices", [](AttnCase& c) {
    c.fused_qkv = true;
    c.causal = true;
  }));
  rows.push_back(rope_case("rope_positions_t", {2, 3, 2, 4}, false, {0, 7, 3}, 10000.0));
  rows.push_back(rope_case("rope_positions_bt", {2, 3, 2, 4}, true, {0, 1, 2, 5, 9, 4}, 500.0));

  // embedding, losses, regularization
  rows.push_back(embedding_case("embedding_repeated_indices", {5, 3}, {2, 4}, {1, 3, 1, 0, 4, 3, 3, 1}));
  rows.push_back(cross_entropy_case("cross_entropy_ignore_index", {2, 3, 5}, uniform_in(-2, 2), {1, -100, 4, 0, 2, -100}));
  rows.push_back(mse_case("mse", {2, 3, 4}, std::nullopt));
  rows.push_back(mse_case("mse_latitude_weight", {2, 3, 4}, Shape{3, 1}));
  rows.push_back(dropout_case("dropout", {4, 8}, 0.3, 1234, 77));

  // Fourier
  rows.push_back(rfft2_case("rfft2_odd_width", {2, 3, 5}));
  rows.push_back(rfft2_case("rfft2_even_width", {3, 4, 6}));
  rows.push_back(irfft2_case("irfft2_even_width", {2, 3}, 6));
  rows.push_back(irfft2_case("irfft2_odd_width", {3, 4}, 5));
  // Length-1 axes: a grid one patch high or wide.
  rows.push_back(rfft2_case("rfft2_one_row", {2, 1, 6}));
  rows.push_back(rfft2_case("rfft2_one_column", {2, 4, 1}));
  rows.push_back(rfft2_case("rfft2_one_point", {3, 1, 1}));
  rows.push_back(irfft2_case("irfft2_one_row", {2, 1}, 5));
  rows.push_back(irfft2_case("irfft2_one_column", {2, 4}, 1));
  rows.push_back(irfft2_case("irfft2_one_point", {3, 1}, 1));

  // extreme range: where exp overflows or underflows, the result must stay finite and right
  rows.push_back(activation_case(
      "gelu_tanh_at_150", Activation::gelu_tanh, [](const Tensor& x) { return ops::gelu(x, true); }, {3, 7}, at_150()));
  rows.push_back(activation_case(
      "gelu_erf_at_150", Activation::gelu_erf, [](const Tensor& x) { return ops::gelu(x, false); }, {3, 7}, at_150()));
  rows.push_back(
      activation_case("silu_at_150", Activation::silu, [](const Tensor& x) { return ops::silu(x); }, {3, 7}, at_150()));
  rows.push_back(unary_case("softshrink_at_150", {3, 7}, at_150(), [](const Tensor& x) { return ops::softshrink(x, 0.5); },
                            [](double x) { return x > 0.5 ? x - 0.5 : (x < -0.5 ? x + 0.5 : 0.0); }));
  // The GEMM epilogue has activations of its own; with 8 outputs, CUDA bf16 takes cuBLASLt's GELU.
  rows.push_back(linear_case("linear_bias_gelu_tanh_at_150", true, Activation::gelu_tanh, 150, {2, 3, 4}, 8));
  rows.push_back(linear_case("linear_bias_gelu_erf_at_150", true, Activation::gelu_erf, 150));
  rows.push_back(linear_case("linear_bias_silu_at_150", true, Activation::silu, 150));
  rows.push_back(softmax_case("softmax_at_1000", {4, 6}, exactly(logits_at_1000())));
  rows.push_back(cross_entropy_case("cross_entropy_at_1000", {4, 6}, exactly(logits_at_1000()), {1, 3, 0, 2}));
  rows.push_back(attention_case("attention_bias_at_1000", [](AttnCase& c) {
    c.bias_batch = c.B;
    c.bias_range = 1000;
    c.key_padding = true;
  }));
  // A spread of 1 around 150: a one-pass variance, E[x^2] - E[x]^2, loses it to cancellation in f32.
  rows.push_back(norm_case("layernorm_rows_near_150", {2, 3, 6}, true, uniform_in(149, 151)));
  rows.push_back(mse_case("mse_at_150", {2, 3, 4}, std::nullopt, uniform_in(-150, 150)));
  return rows;
}

const std::vector<OpCase>& op_table() {
  static const std::vector<OpCase> table = build_table();
  return table;
}

// ---- the large table: forward only ----
// Rows sized past the points where kernels split their work, so that a split that drops or
// repeats work (a chunk end off by one, a partial sum lost, a grid-stride loop that skips rows)
// shows against the reference. Each row's comment names the split it crosses:
//   CPU, core/ops/*.cpp and cpu/*.h: the thresholds above which a loop goes parallel (OpenMP).
//   CUDA, core/cuda/launch.cuh and reduce.cuh, core/ops/cuda/*.cu: blocks of 256 threads
//   (kThreads), row kernels whose block loops along a row wider than its threads and whose grid
//   of at most 65535 * 8 blocks loops over more rows, per-output sums split every 32,768 terms,
//   and the flash-attention tiles.
// Not crossed: the element-wise grid cap (65535 * 8 blocks of 256 threads, 134M elements), too
// large for a test that stays fast. Central differences over this many elements would take
// minutes, so these rows run forward only; the table above checks the same kernels' gradients.

std::vector<OpCase> build_large_table() {
  using ops::Activation;
  std::vector<OpCase> rows;
  // element-wise: 40,000 elements, past the 32,768 above which the CPU loops go parallel; 157 CUDA blocks
  rows.push_back(binary_case("add_broadcast_past_cpu_chunk", false, {40, 1000}, {1000}, {40, 1000}));
  rows.push_back(binary_case("mul_same_shape_past_cpu_chunk", true, {200, 200}, {200, 200}, {200, 200}));
  rows.push_back(unary_case("scale_past_cpu_chunk", {40000}, uniform_in(-1, 1),
                            [](const Tensor& x) { return ops::scale(x, 0.5); }, [](double x) { return 0.5 * x; }));
  rows.push_back(activation_case("gelu_tanh_past_cpu_chunk", Activation::gelu_tanh,
                                 [](const Tensor& x) { return ops::gelu(x, true); }, {200, 200}));
  rows.push_back(activation_case("silu_past_cpu_chunk", Activation::silu, [](const Tensor& x) { return ops::silu(x); },
                                 {200, 200}));
  // the CUDA strided copy: 235 blocks (the CPU copies rows without threads)
  rows.push_back({"transpose_past_cuda_block", {2, 150, 200}, [](InputMaker& m) { return Tensors{m.uniform({2, 200, 150})}; },
                  [](const Tensors& t) { return ops::contiguous(ops::transpose(t[0], 1, 2)); },
                  [](const Vecs& v) { return transpose_ref(v[0], {2, 200, 150}, 1, 2); }});

  // reductions: CPU threads over the 3 outputs (120,000 > 65,536 elements); CUDA cuts each
  // output's 40,000 terms into 2 splits of 32,768 and adds the partial sums in a second pass
  rows.push_back(reduce_case("sum_dim_past_cpu_and_cuda_splits", false, {3, 40000}, 1));
  // CUDA: one output in 4 splits (the CPU sums a single output on one thread)
  rows.push_back(reduce_case("mean_all_past_cuda_splits", true, {100000}, std::nullopt));

  // matrix products: m n k = 2,129,920 >= 2^21, where the CPU stops giving each batch to a thread and
  // threads each GEMM instead
  rows.push_back(matmul_case("matmul_batched_past_cpu_batch_split", {{2, 128, 128}, {2, 128, 130}}));
  // CPU: 300 rows > 65,536 / 256, the grain of the bias fill, and 76,800 activations > 32,768;
  // CUDA bf16: 256 outputs (a multiple of 8) take cuBLASLt's fused bias + GELU epilogue
  rows.push_back(linear_case("linear_bias_gelu_tanh_past_cpu_chunk", true, Activation::gelu_tanh, 0, {300, 32}, 256));

  // row kernels, wide rows: CPU 39,000 elements > 32,768; CUDA 300 columns > 256 threads per row
  rows.push_back(softmax_case("softmax_wide_rows", {130, 300}, uniform_in(-3, 3)));
  // CPU: 70 rows > 16,384 / 300, the rows per thread; CUDA: 300 columns > 256 threads
  rows.push_back(norm_case("layernorm_wide_rows", {70, 300}, true, uniform_in(-1, 1)));
  // CPU: 20,000 logits > 16,384; CUDA: a vocabulary of 1,000 > 512 threads per row
  Vec wide_targets(20);
  for (int64_t r = 0; r < 20; ++r) wide_targets[r] = static_cast<double>(r * 37 % 1000);
  rows.push_back(cross_entropy_case("cross_entropy_wide_vocab", {20, 1000}, uniform_in(-3, 3), wide_targets));

  // row kernels, many rows: 524,300 rows > the CUDA grid of 65535 * 8 = 524,280 blocks, one row each,
  // so the last rows come round the grid-stride loop
  constexpr int64_t kManyRows = 524300;
  rows.push_back(softmax_case("softmax_rows_past_cuda_row_grid", {kManyRows, 2}, uniform_in(-3, 3)));
  rows.push_back(norm_case("rmsnorm_rows_past_cuda_row_grid", {kManyRows, 2}, false, uniform_in(-1, 1)));
  Vec many_targets(kManyRows);
  for (int64_t r = 0; r < kManyRows; ++r) many_targets[r] = r % 7 == 0 ? -100 : static_cast<double>(r % 2);
  rows.push_back(cross_entropy_case("cross_entropy_rows_past_cuda_row_grid", {kManyRows, 2}, uniform_in(-3, 3),
                                    std::move(many_targets)));
  // CUDA: 300,000 terms > the fixed grid of 1024 blocks of 256 threads
  rows.push_back(mse_case("mse_past_cuda_grid", {300000}, std::nullopt));

  // gathers and position embedding: CPU 76,800 > 65,536 gathered values
  Vec indices(1200);
  for (int64_t i = 0; i < 1200; ++i) indices[i] = static_cast<double>(i * 7 % 50);
  rows.push_back(embedding_case("embedding_past_cpu_chunk", {50, 64}, {2, 600}, indices));
  // CPU: 40,960 elements > 32,768
  Vec positions(80);
  for (int64_t t = 0; t < 80; ++t) positions[t] = static_cast<double>(t * 3);
  rows.push_back(rope_case("rope_past_cpu_chunk", {2, 80, 4, 64}, false, positions, 10000.0));
  rows.push_back(dropout_case("dropout_past_cpu_chunk", {200, 200}, 0.3, 99, 5));

  // CPU: causal query blocks of max(32, 130 / 4) = 33 rows; CUDA: 9 tiles of 16 query rows and 5
  // of 32 keys, the last ones partial; bf16 with head dimension 64: the tensor-core kernels' 64-row tiles
  rows.push_back(attention_case("attention_causal_past_query_and_key_tiles", [](AttnCase& c) {
    c.B = 1;
    c.Tq = c.Tk = 130;
    c.Dh = 64;
    c.causal = true;
    c.key_padding = true;
    c.bias_batch = 1;
  }));
  return rows;
}

const std::vector<OpCase>& large_op_table() {
  static const std::vector<OpCase> table = build_large_table();
  return table;
}

// ---- the harness ----

Vecs values_of(const Tensors& ts) {
  Vecs v;
  for (const Tensor& t : ts) v.push_back(t.to_doubles());
  return v;
}

double dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Passes when every |got - want| is within rel * max|want| + abs; otherwise names the worst element.
void expect_close(const Vec& got, const Vec& want, double rel, double abs, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double magnitude = 0;
  for (double w : want) magnitude = std::max(magnitude, std::abs(w));
  const double tolerance = rel * magnitude + abs;
  size_t worst = 0;
  double worst_error = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double error = std::isfinite(got[i]) ? std::abs(got[i] - want[i]) : kInf;
    if (error > worst_error) {
      worst_error = error;
      worst = i;
    }
  }
  if (worst_error <= tolerance) return;
  std::ostringstream msg;
  msg.precision(17);
  msg << what << ": element " << worst << " is " << got[worst] << ", expected " << want[worst] << " (error "
      << worst_error << " > tolerance " << tolerance << ")";
  ADD_FAILURE() << msg.str();
}

constexpr double kStep = 1e-6;

// Central differences of L = sum(w * op(inputs)) with respect to each element of inputs[which],
// rebuilding that input for every evaluation so that it works on any backend.
Vec numeric_gradient(const OpCase& row, Tensors inputs, size_t which, const Vec& w, Backend backend) {
  autograd::NoGradScope no_grad;
  const Shape shape = inputs[which].shape();
  Vec x = inputs[which].to_doubles();
  auto loss_at = [&](size_t e, double value) {
    const double saved = x[e];
    x[e] = value;
    inputs[which] = from_doubles(x, shape, DType::f64, backend);
    x[e] = saved;
    return dot(row.apply(inputs).to_doubles(), w);
  };
  Vec grad(x.size());
  for (size_t e = 0; e < x.size(); ++e) {
    const double up = x[e] + kStep, down = x[e] - kStep;  // the step as actually represented
    grad[e] = (loss_at(e, up) - loss_at(e, down)) / (up - down);
  }
  return grad;
}

// The CPU's bf16 precision: f32 tensors whose matrix products take bf16 operands
// (ops::cpu_bf16_matmul), here every product however small, on CPUs that have bf16 dot products.
// Rows without a matrix product must not change; rows with one stay within the bf16 tolerance of
// check_forward_bf16, forward against the reference and backward against the f64 gradients
// (finite differences cannot see through bf16 rounding).
class CpuBf16Matmul {
 public:
  CpuBf16Matmul() { ops::set_cpu_bf16_matmul(true, 0); }
  ~CpuBf16Matmul() { ops::set_cpu_bf16_matmul(false); }
  CpuBf16Matmul(const CpuBf16Matmul&) = delete;
  CpuBf16Matmul& operator=(const CpuBf16Matmul&) = delete;
};

class OpTable : public testing::TestWithParam<std::tuple<Backend, size_t>> {
 protected:
  virtual const std::vector<OpCase>& table() const { return op_table(); }
  Backend backend() const { return std::get<0>(GetParam()); }
  const OpCase& row() const { return table()[std::get<1>(GetParam())]; }

  void SetUp() override {
    if (backend() == Backend::cuda && !cuda::available()) GTEST_SKIP() << "no CUDA device";
  }

  bool f64_runs_here() const { return backend() == Backend::cpu || row().cuda_f64; }
  static constexpr const char* kNoCudaF64 = "the CUDA kernel has no f64 path (tests/cuda checks it against the f64 CPU op)";

  // The last statement of its tests: a skip here ends the test.
  void check_forward(DType dtype, double rel, double abs) const {
    if (dtype == DType::f64 && !f64_runs_here()) GTEST_SKIP() << kNoCudaF64;
    InputMaker maker(dtype, backend());
    const Tensors inputs = row().inputs(maker);
    Tensor out;
    {
      autograd::NoGradScope no_grad;
      out = row().apply(inputs);
    }
    ASSERT_EQ(shape_str(out.shape()), shape_str(row().out_shape));
    ASSERT_EQ(out.dtype(), dtype);
    expect_close(out.to_doubles(), row().reference(values_of(inputs)), rel, abs, "forward");
  }

  // bf16 stores 8 significant bits (relative rounding 2^-9), and ops round their intermediates
  // (a linear layer's pre-activation, attention's probabilities) to bf16 as well; they accumulate
  // in fp32. The tolerance allows a few such roundings on the scale of the output:
  // |error| <= 2e-2 * max |reference| + 1e-3. The reference sees the bf16-rounded inputs.
  void check_forward_bf16() const {
    if (row().name.find("fft2") != std::string::npos) GTEST_SKIP() << "cuFFT has no bf16 transforms; rfft2/irfft2 take f32/f64";
    check_forward(DType::bf16, 2e-2, 1e-3);
  }

  static constexpr const char* kNoCpuBf16 = "this CPU or build has no bf16 matrix products";
  void check_forward_cpu_bf16_matmul() const {
    if (!cpu::bf16_gemm_available()) GTEST_SKIP() << kNoCpuBf16;
    const CpuBf16Matmul bf16;
    check_forward(DType::f32, 2e-2, 1e-3);
  }
};

// The large table's rows: forward only.
class OpTableLarge : public OpTable {
 protected:
  const std::vector<OpCase>& table() const override { return large_op_table(); }
};

TEST_P(OpTable, ForwardF32) { check_forward(DType::f32, 1e-4, 1e-6); }

TEST_P(OpTable, ForwardF64) { check_forward(DType::f64, 1e-10, 1e-12); }

#if TESSERA_OP_TABLE_CUDA
TEST_P(OpTable, ForwardBF16) { check_forward_bf16(); }
#endif

// The weights w of the loss L = sum(w * op(inputs)) whose gradients the tests check.
Vec loss_weights(const OpCase& row) {
  Generator rng(kLossWeightSeed);
  return uniform_values(rng, shape_numel(row.out_shape), -1.0, 1.0);
}

// Backpropagates L through the row with its floating inputs made in `dtype`; returns the inputs
// and the gradient of each (empty for inputs that take none, e.g. indices).
std::pair<Tensors, Vecs> analytic_gradients(const OpCase& row, DType dtype, Backend backend) {
  InputMaker maker(dtype, backend);
  Tensors inputs = row.inputs(maker);
  for (Tensor& t : inputs)
    if (t.dtype() == dtype) t.set_requires_grad(true);
  Tensor loss = ops::sum(ops::mul(row.apply(inputs), from_doubles(loss_weights(row), row.out_shape, dtype, backend)));
  EXPECT_TRUE(loss.requires_grad()) << "the op recorded no autograd graph";
  if (loss.requires_grad()) loss.backward();
  Vecs grads;
  for (const Tensor& t : inputs) {
    const Tensor g = t.requires_grad() ? t.grad() : Tensor();
    grads.push_back(!t.requires_grad() ? Vec() : g.defined() ? g.to_doubles() : Vec(t.numel(), 0.0));
  }
  return {inputs, grads};
}

TEST_P(OpTable, GradientF64) {
  if (!f64_runs_here()) GTEST_SKIP() << kNoCudaF64;
  const auto [inputs, grads] = analytic_gradients(row(), DType::f64, backend());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) continue;
    expect_close(grads[i], numeric_gradient(row(), inputs, i, loss_weights(row()), backend()), 1e-6, 1e-9,
                 "gradient of input " + std::to_string(i));
  }
}

#if !TESSERA_OP_TABLE_CUDA
TEST_P(OpTable, ForwardCpuBf16Matmul) { check_forward_cpu_bf16_matmul(); }

TEST_P(OpTable, GradientCpuBf16Matmul) {
  if (!cpu::bf16_gemm_available()) GTEST_SKIP() << kNoCpuBf16;
  const Vecs exact = analytic_gradients(row(), DType::f64, backend()).second;
  const CpuBf16Matmul bf16;
  const Vecs rounded = analytic_gradients(row(), DType::f32, backend()).second;
  for (size_t i = 0; i < exact.size(); ++i)
    if (!exact[i].empty()) expect_close(rounded[i], exact[i], 2e-2, 1e-3, "gradient of input " + std::to_string(i));
}
#endif

// Test names: the backend and the row's name.
template <const std::vector<OpCase>& (*Table)()>
std::string row_test_name(const testing::TestParamInfo<OpTable::ParamType>& info) {
  return std::string(backend_name(std::get<0>(info.param))) + "_" + Table()[std::get<1>(info.param)].name;
}

INSTANTIATE_TEST_SUITE_P(Ops, OpTable,
                         testing::Combine(testing::ValuesIn(kBackends), testing::Range<size_t>(0, op_table().size())),
                         row_test_name<op_table>);

TEST_P(OpTableLarge, ForwardF32) { check_forward(DType::f32, 1e-4, 1e-6); }

TEST_P(OpTableLarge, ForwardF64) { check_forward(DType::f64, 1e-10, 1e-12); }

#if !TESSERA_OP_TABLE_CUDA
TEST_P(OpTableLarge, ForwardCpuBf16Matmul) { check_forward_cpu_bf16_matmul(); }
#endif

#if TESSERA_OP_TABLE_CUDA
TEST_P(OpTableLarge, ForwardBF16) { check_forward_bf16(); }
#endif

INSTANTIATE_TEST_SUITE_P(Ops, OpTableLarge,
                         testing::Combine(testing::ValuesIn(kBackends), testing::Range<size_t>(0, large_op_table().size())),
                         row_test_name<large_op_table>);

#if !TESSERA_OP_TABLE_CUDA
// ---- every op has a row ----

std::set<std::string> ops_functions() {
  return test_support::declared_functions(test_support::slurp(TESSERA_SOURCE_DIR "/core/ops/ops.h"));
}

// The function a row tests: the longest function name that the row's name equals or starts with,
// followed by '_' ("add_layernorm_..." tests add_layernorm, not add); empty when none does.
std::string function_of_row(const std::string& row, const std::set<std::string>& functions) {
  std::string found;
  for (const std::string& f : functions)
    if ((row == f || row.rfind(f + "_", 0) == 0) && f.size() > found.size()) found = f;
  return found;
}

TEST(OpTableCoverage, EveryFunctionOfOpsHeaderHasARow) {
  const std::set<std::string> functions = ops_functions();
  ASSERT_TRUE(functions.count("matmul") && functions.count("attention")) << "core/ops/ops.h was not read as expected";
  std::set<std::string> covered;
  for (const OpCase& row : op_table()) covered.insert(function_of_row(row.name, functions));
  for (const std::string& f : functions)
    EXPECT_TRUE(covered.count(f)) << "ops::" << f << " (core/ops/ops.h) has no row in the op table";
}

// What makes the coverage check mean something: a row's name says which op it tests.
TEST(OpTableCoverage, EveryRowIsNamedAfterItsFunction) {
  const std::set<std::string> functions = ops_functions();
  for (const auto* table : {&op_table(), &large_op_table()})
    for (const OpCase& row : *table)
      EXPECT_FALSE(function_of_row(row.name, functions).empty())
          << "row " << row.name << " does not start with the name of a function of core/ops/ops.h";
}

// ---- autograd plumbing ----

Tensor leaf(const Vec& values) {
  Tensor t = Tensor::from_vector(values, {static_cast<int64_t>(values.size())});
  t.set_requires_grad(true);
  return t;
}

TEST(AutogradPlumbing, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = leaf({1, 2, 3});
  ops::sum(x).backward();
  // The first gradient is kept without a copy; accumulating must not write into it.
  const Tensor first = x.grad();
  ops::sum(ops::mul(x, Tensor::from_vector(Vec{0.5, -1, 4}, {3}))).backward();
  EXPECT_EQ(x.grad().to_doubles(), (Vec{1.5, 0, 5}));
  EXPECT_EQ(first.to_doubles(), (Vec{1, 1, 1}));
}

TEST(AutogradPlumbing, LeafUsedTwiceGetsBothContributions) {
  Tensor x = leaf({0.5, -2, 3});
  // x is both operands of one mul and the input of another branch: dL/dx = 2x + 3.
  ops::sum(ops::add(ops::mul(x, x), ops::scale(x, 3))).backward();
  EXPECT_EQ(x.grad().to_doubles(), (Vec{4, -1, 9}));
}

TEST(AutogradPlumbing, IntermediateUsedTwiceGetsBothContributions) {
  Tensor x = leaf({0.5, -2, 3});
  // h feeds two paths; its backward must see their summed gradient: dL/dx = 2 * (2h + 1) = 8x + 2.
  Tensor h = ops::scale(x, 2);
  ops::sum(ops::add(ops::mul(h, h), h)).backward();
  EXPECT_EQ(x.grad().to_doubles(), (Vec{6, -14, 26}));
}

TEST(AutogradPlumbing, NoGradScopeRecordsNothing) {
  Tensor x = leaf({1, 2});
  {
    autograd::NoGradScope no_grad;
    const Tensor y = ops::mul(x, x);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_TRUE(y.is_leaf());
  }
  EXPECT_TRUE(ops::mul(x, x).requires_grad()) << "leaving the scope must restore grad mode";
}

#endif

}  // namespace
}  // namespace tessera
