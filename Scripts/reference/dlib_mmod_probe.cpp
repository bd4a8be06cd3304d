/*
Probe of dlib's CNN (MMOD) face detector: the tiling, tensors, score maps and point mappings that
the Python binding does not expose, for exact debugging of the Swift port.

Build (dlib 20.0.0 C++ sources from the PyPI sdist, unpacked outside the repository). It links the
system libjpeg and libpng, the libraries the Swift package links, so load_image decodes a photo the
way the Swift side does (the dlib-bin wheel's own decoder is a bundled IJG libjpeg 9e, which decodes
differently). -mavx as in the dlib-bin 20.0.0 wheel (dlib's CMake, USE_AVX_INSTRUCTIONS, no BLAS);
not -march=native, whose FMA contraction would change low-order bits:

  /work/venv-dlib/bin/pip download dlib==20.0.0 --no-deps --no-binary :all: -d /tmp/dlib-sdist
  mkdir -p /work/dlib-src-20.0.0
  tar -xzf /tmp/dlib-sdist/dlib-20.0.0.tar.gz -C /work/dlib-src-20.0.0 --strip-components=1
  g++ -O2 -std=c++14 -mavx -DDLIB_NO_GUI_SUPPORT -DDLIB_JPEG_SUPPORT -DDLIB_PNG_SUPPORT \
      -I/work/dlib-src-20.0.0 /work/dlib-src-20.0.0/dlib/all/source.cpp \
      Scripts/reference/dlib_mmod_probe.cpp -ljpeg -lpng -lpthread -o /tmp/dlib_mmod_probe

Run from the repository root (about a minute):

  /tmp/dlib_mmod_probe ~/.local/share/faceadversary/models/mmod_human_face_detector.dat \
      /work/shared/data/seed/index.jpeg > Tests/FaceNetsTests/Fixtures/dlib_cnn/probe.json

Tensors are in dlib's (samples, k, rows, cols) layout, row-major; points are (x = column,
y = row); rectangles are [left, top, right, bottom] with inclusive corners. The JSON's fields are
described in Scripts/reference/README.md.
*/

#include <dlib/dnn.h>
#include <dlib/image_io.h>
#include <dlib/image_transforms.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace dlib;

// The network of tools/python/src/cnn_face_detector.cpp (dlib 20.0.0), declared the same way.
template <long num_filters, typename SUBNET> using con5d = con<num_filters, 5, 5, 2, 2, SUBNET>;
template <long num_filters, typename SUBNET> using con5 = con<num_filters, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET>
using downsampler =
    relu<affine<con5d<32, relu<affine<con5d<32, relu<affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET> using rcon5 = relu<affine<con5<45, SUBNET>>>;
using net_type = loss_mmod<
    con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<input_rgb_image_pyramid<pyramid_down<6>>>>>>>>;

// JSON text helpers ----------------------------------------------------------------------------

std::string json_double(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string json_float(float v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

template <typename T, typename F> std::string json_list(const std::vector<T>& items, F item) {
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + item(items[i]);
  return s + "]";
}

std::string json_rect(const rectangle& r) {
  return "[" + std::to_string(r.left()) + "," + std::to_string(r.top()) + "," +
         std::to_string(r.right()) + "," + std::to_string(r.bottom()) + "]";
}

std::string json_drect(const drectangle& r) {
  return "[" + json_double(r.left()) + "," + json_double(r.top()) + "," + json_double(r.right()) +
         "," + json_double(r.bottom()) + "]";
}

std::string json_dpoint(const dpoint& p) {
  return "[" + json_double(p.x()) + "," + json_double(p.y()) + "]";
}

// Seeded pixels and positions ------------------------------------------------------------------

/// A 64-bit linear congruential generator (Knuth's MMIX constants); next_byte is the top byte.
struct Lcg {
  uint64_t state;
  uint64_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state;
  }
  unsigned char next_byte() { return (unsigned char)(next() >> 56); }
  long below(long n) { return (long)((next() >> 33) % (uint64_t)n); }
};

/// FNV-1a (64-bit) of the image's bytes in row-major R, G, B order, as 16 hex digits.
std::string fnv1a_rgb(const matrix<rgb_pixel>& img) {
  uint64_t h = 14695981039346656037ULL;
  for (long r = 0; r < img.nr(); ++r)
    for (long c = 0; c < img.nc(); ++c)
      for (unsigned char b : {img(r, c).red, img(r, c).green, img(r, c).blue}) {
        h ^= b;
        h *= 1099511628211ULL;
      }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  return buf;
}

// Tensor summaries -----------------------------------------------------------------------------

/// Flat offset of (k, r, c) in sample 0 of a tensor.
size_t offset_of(const tensor& t, long k, long r, long c) {
  return ((size_t)k * t.nr() + r) * t.nc() + c;
}

std::string json_shape(const tensor& t) {
  return "[" + std::to_string(t.num_samples()) + "," + std::to_string(t.k()) + "," +
         std::to_string(t.nr()) + "," + std::to_string(t.nc()) + "]";
}

/// Per channel: the sum and the sum of squares of sample 0's values, accumulated as doubles in
/// row-major order.
std::string json_channel_sums(const tensor& t) {
  const float* p = t.host();
  std::vector<std::pair<double, double>> sums;
  for (long k = 0; k < t.k(); ++k) {
    double s = 0, s2 = 0;
    for (long i = 0; i < t.nr() * t.nc(); ++i) {
      const double v = p[k * t.nr() * t.nc() + i];
      s += v;
      s2 += v * v;
    }
    sums.push_back({s, s2});
  }
  return "{\"sum\":" +
         json_list(sums, [](const std::pair<double, double>& x) { return json_double(x.first); }) +
         ",\"sum_of_squares\":" +
         json_list(sums, [](const std::pair<double, double>& x) { return json_double(x.second); }) +
         "}";
}

/// The whole of sample 0, channel-major then row-major, as floats.
std::string json_values(const tensor& t) {
  const float* p = t.host();
  std::string s = "[";
  const size_t count = t.k() * t.nr() * t.nc();
  for (size_t i = 0; i < count; ++i) s += (i ? "," : "") + json_float(p[i]);
  return s + "]";
}

struct Position {
  long k, r, c;
};

/// Values at the given (k, r, c) positions of sample 0, as [k, r, c, value] entries.
std::string json_values_at(const tensor& t, const std::vector<Position>& positions) {
  const float* p = t.host();
  return json_list(positions, [&](const Position& q) {
    return "[" + std::to_string(q.k) + "," + std::to_string(q.r) + "," + std::to_string(q.c) + "," +
           json_float(p[offset_of(t, q.k, q.r, q.c)]) + "]";
  });
}

/// Twenty fixed positions in an input tensor: the top-left corner, centre and bottom-right corner
/// of the first level rectangles (channels cycling R, G, B), then seeded random positions.
std::vector<Position> input_probe_positions(const tensor& t, const std::vector<rectangle>& levels) {
  std::vector<Position> out;
  for (size_t i = 0; i < levels.size() && out.size() < 12; ++i) {
    const rectangle& l = levels[i];
    out.push_back({(long)(out.size() % 3), l.top(), l.left()});
    out.push_back({(long)(out.size() % 3), (l.top() + l.bottom()) / 2, (l.left() + l.right()) / 2});
    out.push_back({(long)(out.size() % 3), l.bottom(), l.right()});
  }
  Lcg lcg{7};
  while (out.size() < 20) out.push_back({lcg.below(t.k()), lcg.below(t.nr()), lcg.below(t.nc())});
  return out;
}

/// The n highest values of sample 0, channel 0, as [r, c, value] entries (highest first; ties by
/// flat offset).
std::string json_top_scores(const tensor& t, size_t n) {
  const float* p = t.host();
  std::vector<size_t> idx(t.nr() * t.nc());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return p[a] > p[b]; });
  idx.resize(std::min(n, idx.size()));
  return json_list(idx, [&](size_t i) {
    return "[" + std::to_string(i / t.nc()) + "," + std::to_string(i % t.nc()) + "," +
           json_float(p[i]) + "]";
  });
}

// Sections -------------------------------------------------------------------------------------

std::vector<rectangle> level_rects(const tensor& t) {
  return any_cast<std::vector<rectangle>>(t.annotation());
}

std::string json_geometry(net_type& net, long rows, long cols) {
  matrix<rgb_pixel> img(rows, cols);
  img = rgb_pixel(0, 0, 0);
  resizable_tensor t;
  input_layer(net).to_tensor(&img, &img + 1, t);
  return "{\"rows\":" + std::to_string(rows) + ",\"cols\":" + std::to_string(cols) +
         ",\"tensor_nr\":" + std::to_string(t.nr()) + ",\"tensor_nc\":" + std::to_string(t.nc()) +
         ",\"levels\":" + json_list(level_rects(t), json_rect) + "}";
}

std::string json_detections(const std::vector<mmod_rect>& dets) {
  return "{\"rects_ltrb\":" +
         json_list(dets, [](const mmod_rect& d) { return json_rect(d.rect); }) +
         ",\"confidences\":" +
         json_list(dets, [](const mmod_rect& d) { return json_double(d.detection_confidence); }) +
         "}";
}

/// Shape, per-channel sums and values at fixed positions of the output of layer<I>(net.subnet())
/// ... layer<1>(net.subnet()) after forwarding only up to that layer (relu and affine run in place
/// on their subnet's output, so a full forward overwrites the intermediate tensors).
template <size_t I> struct LayerSummaries {
  static void add(net_type& net, const tensor& input, std::vector<std::string>& out) {
    auto& l = layer<I>(net);
    const tensor& y = l.forward(input);
    std::ostringstream name;
    name << l.layer_details();
    std::vector<Position> at;
    Lcg lcg{I};
    for (int i = 0; i < 5; ++i)
      at.push_back({lcg.below(y.k()), lcg.below(y.nr()), lcg.below(y.nc())});
    std::string kind = name.str().substr(0, name.str().find_first_of("\t ("));
    out.push_back("{\"layer\":" + std::to_string(I) + ",\"kind\":\"" + kind +
                  "\",\"shape\":" + json_shape(y) + ",\"channels\":" + json_channel_sums(y) +
                  ",\"values_at\":" + json_values_at(y, at) + "}");
    LayerSummaries<I - 1>::add(net, input, out);
  }
};
template <> struct LayerSummaries<0> {
  static void add(net_type&, const tensor&, std::vector<std::string>&) {}
};

std::string json_alias_values(alias_tensor_const_instance a) {
  const tensor& t = a;
  const float* p = t.host();
  std::string s = "[";
  for (size_t i = 0; i < t.size(); ++i) s += (i ? "," : "") + json_float(p[i]);
  return s + "]";
}
/// The gamma and beta of layer<I>(net), an affine layer (dlib's conversion of the file's batch
/// norm: gamma / sqrt(running variance + eps), beta - gamma * running mean, in float).
template <size_t I> void add_affine(net_type& net, std::vector<std::string>& out) {
  const auto& a = layer<I>(net).layer_details();
  out.push_back("{\"layer\":" + std::to_string(I) +
                ",\"gamma\":" + json_alias_values(a.get_gamma()) +
                ",\"beta\":" + json_alias_values(a.get_beta()) + "}");
}

std::string json_random_image_case(net_type& net) {
  const long rows = 60, cols = 72;
  matrix<rgb_pixel> img(rows, cols);
  Lcg lcg{20260527};
  std::vector<int> bytes;
  for (long r = 0; r < rows; ++r)
    for (long c = 0; c < cols; ++c) {
      img(r, c).red = lcg.next_byte();
      img(r, c).green = lcg.next_byte();
      img(r, c).blue = lcg.next_byte();
      for (unsigned char b : {img(r, c).red, img(r, c).green, img(r, c).blue}) bytes.push_back(b);
    }
  resizable_tensor t;
  input_layer(net).to_tensor(&img, &img + 1, t);
  const auto levels = level_rects(t);
  const tensor& scores = net.subnet().forward(t);
  const std::string score_json = json_values(scores);
  const std::string score_shape = json_shape(scores);
  std::vector<std::string> layers;
  LayerSummaries<19>::add(net, t, layers);
  const std::vector<mmod_rect> dets = net(img);
  const bool same = json_values(net.subnet().get_output()) == score_json;
  return "{\"rows\":" + std::to_string(rows) + ",\"cols\":" + std::to_string(cols) +
         ",\"lcg\":\"state = state * 6364136223846793005 + 1442695040888963407 (mod 2^64), seed "
         "20260527; each byte is the new state >> 56; bytes fill R, G, B per pixel, row-major\"" +
         ",\"rgb\":" + json_list(bytes, [](int b) { return std::to_string(b); }) +
         ",\"fnv1a_rgb\":\"" + fnv1a_rgb(img) + "\"" + ",\"input_shape\":" + json_shape(t) +
         ",\"levels\":" + json_list(levels, json_rect) +
         ",\"input_channels\":" + json_channel_sums(t) +
         ",\"input_values_at\":" + json_values_at(t, input_probe_positions(t, levels)) +
         ",\"layers\":[" +
         [&] {
           std::string s;
           for (size_t i = 0; i < layers.size(); ++i) s += (i ? "," : "") + layers[i];
           return s;
         }() +
         "],\"score_shape\":" + score_shape + ",\"scores\":" + score_json +
         ",\"net_call_scores_identical\":" + (same ? "true" : "false") +
         ",\"detections\":" + json_detections(dets) + "}";
}

std::string json_photo_case(net_type& net, const std::string& path) {
  matrix<rgb_pixel> img;
  load_image(img, path);
  resizable_tensor t;
  input_layer(net).to_tensor(&img, &img + 1, t);
  const auto levels = level_rects(t);
  const tensor& scores = net.subnet().forward(t);
  const size_t count = scores.k() * scores.nr() * scores.nc();
  const bool whole = count <= 200000;
  const std::string all_scores = json_values(scores);
  const std::string score_json = whole ? all_scores : json_top_scores(scores, 50);
  const std::string score_shape = json_shape(scores);
  const std::string input_channels = json_channel_sums(t);
  const std::string input_at = json_values_at(t, input_probe_positions(t, levels));
  const std::vector<mmod_rect> dets = net(img);  // overwrites the tensor `scores` refers to
  const bool same = json_values(net.subnet().get_output()) == all_scores;
  return "{\"path\":\"" + path + "\",\"decoder\":\"dlib load_image with the system libjpeg\"" +
         ",\"rows\":" + std::to_string(img.nr()) + ",\"cols\":" + std::to_string(img.nc()) +
         ",\"fnv1a_rgb\":\"" + fnv1a_rgb(img) + "\",\"input_shape\":" + json_shape(t) +
         ",\"levels\":" + json_list(levels, json_rect) + ",\"input_channels\":" + input_channels +
         ",\"input_values_at\":" + input_at + ",\"score_shape\":" + score_shape +
         (whole ? ",\"scores\":" : ",\"top_scores\":") + score_json +
         ",\"net_call_scores_identical\":" + (same ? "true" : "false") +
         ",\"upsample0\":" + json_detections(dets) + "}";
}

std::string json_point_mapping(net_type& net, long rows, long cols) {
  matrix<rgb_pixel> img(rows, cols);
  img = rgb_pixel(0, 0, 0);
  resizable_tensor t;
  input_layer(net).to_tensor(&img, &img + 1, t);
  const auto levels = level_rects(t);
  const auto& window = net.loss_details().get_options().detector_windows.at(0);
  std::vector<point> outputs = {point(0, 0), point(1, 0), point(0, 1), point(5, 7)};
  // Plus the output positions nearest the centre of each pyramid level (rounded mapping).
  for (const rectangle& l : levels) {
    const dpoint q = input_tensor_to_output_tensor(net, dcenter(l));
    outputs.push_back(point((long)std::round(q.x()), (long)std::round(q.y())));
  }
  return "{\"rows\":" + std::to_string(rows) + ",\"cols\":" + std::to_string(cols) +
         ",\"window\":[" + std::to_string(window.width) + "," + std::to_string(window.height) +
         "],\"points\":" + json_list(outputs, [&](const point& o) {
           const dpoint p = output_tensor_to_input_tensor(net, o);
           const drectangle box = centered_drect(p, window.width, window.height);
           return "{\"output\":[" + std::to_string(o.x()) + "," + std::to_string(o.y()) +
                  "],\"input\":" + json_dpoint(p) + ",\"tensor_rect\":" + json_drect(box) +
                  ",\"image_rect\":" +
                  json_drect(input_layer(net).tensor_space_to_image_space(t, box)) +
                  "}";
         }) +
         "}";
}

std::string json_model(net_type& net) {
  const mmod_options& o = net.loss_details().get_options();
  const auto& in = input_layer(net);
  std::vector<std::string> affines;
  add_affine<18>(net, affines);
  add_affine<15>(net, affines);
  add_affine<12>(net, affines);
  add_affine<9>(net, affines);
  add_affine<6>(net, affines);
  add_affine<3>(net, affines);
  std::ostringstream layers;
  layers << net;
  std::vector<std::string> lines;
  std::istringstream split(layers.str());
  for (std::string line; std::getline(split, line);) lines.push_back(line);
  return "{\"detector_windows\":" +
         json_list(o.detector_windows,
                   [](const mmod_options::detector_window_details& w) {
                     return "{\"width\":" + std::to_string(w.width) + ",\"height\":" +
                            std::to_string(w.height) + ",\"label\":\"" + w.label + "\"}";
                   }) +
         ",\"nms_iou_thresh\":" + json_double(o.overlaps_nms.get_iou_thresh()) +
         ",\"nms_percent_covered_thresh\":" +
         json_double(o.overlaps_nms.get_percent_covered_thresh()) +
         ",\"use_bounding_box_regression\":" + (o.use_bounding_box_regression ? "true" : "false") +
         ",\"avg_rgb\":[" + json_float(in.get_avg_red()) + "," +
         json_float(in.get_avg_green()) + "," +
         json_float(in.get_avg_blue()) + "],\"pyramid_padding\":" +
         std::to_string(in.get_pyramid_padding()) + ",\"pyramid_outer_padding\":" +
         std::to_string(in.get_pyramid_outer_padding()) + ",\"affine\":[" +
         [&] {
           std::string s;
           for (size_t i = 0; i < affines.size(); ++i) s += (i ? "," : "") + affines[i];
           return s;
         }() +
         "],\"layers\":" +
         json_list(lines, [](const std::string& l) {
           std::string e;
           for (char ch : l)
             e += ch == '\t'  ? std::string("\\t")
                  : ch == '"' ? std::string("\\\"")
                              : std::string(1, ch);
           return "\"" + e + "\"";
         }) +
         "}";
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: dlib_mmod_probe MODEL.dat PHOTO\n";
    return 2;
  }
  net_type net;
  deserialize(argv[1]) >> net;
  const std::vector<std::pair<long, long>> sizes = {
      {48, 64}, {100, 80}, {333, 500}, {661, 1126}, {1137, 910}, {2 * 661 + 1, 2 * 1126 + 2}};
  std::vector<std::string> geometry;
  for (const auto& s : sizes) geometry.push_back(json_geometry(net, s.first, s.second));
  std::cout << "{\"about\":\"dlib 20.0.0 MMOD face detector probe (see "
               "Scripts/reference/dlib_mmod_probe.cpp and the README beside this file)\""
            << ",\"model\":" << json_model(net) << ",\"geometry\":[";
  for (size_t i = 0; i < geometry.size(); ++i) std::cout << (i ? "," : "") << geometry[i];
  std::cout << "],\"random_image\":" << json_random_image_case(net)
            << ",\"photo\":" << json_photo_case(net, argv[2])
            << ",\"point_mapping\":" << json_point_mapping(net, 661, 1126) << "}\n";
  return 0;
}
