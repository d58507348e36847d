// The playground's JavaScript, written for this page. It runs the network
// forward exactly as the Swift engine does (Sources/NeuralNet: z = W a + b
// per dense layer, each filter over every valid position per convolution,
// the largest of each window per max-pool; sigmoid/relu/tanh hidden,
// sigmoid/softmax output, the answer is the first largest output) and prepares a drawing the way the loaded
// data set's images were prepared (`data-preparation`, a
// DrawingPreparation):
//
// 1. the ink's bounding box is scaled, keeping its aspect ratio, by area
//    averaging (each small pixel is the mean ink of the big pixels it
//    covers, so edges become grey levels): its longer side becomes 20 of
//    28 pixels for MNIST's digits ("digit-box-centre-of-mass"), all 28 for
//    Fashion-MNIST's clothes ("fill-frame-centred");
// 2. the box is placed in the 28 × 28 field: MNIST's so that its centre of
//    mass sits on the centre pixel (14, 14), Fashion-MNIST's centred;
// 3. grey levels are rounded to bytes, ink high, and the network reads
//    byte / 255, the same scaling as training.
//
// Tests reach each playground through `window.labrunPlaygrounds`.
//
// Keep `<` and `&` out of this text (write `b > a`): then nothing in it can
// end the script element or a CDATA section early, open an HTML comment, or
// confuse a tag scanner, and the page stays well-formed XML.

enum PlaygroundScript {
  static let source = #"""
(function () {
  "use strict";
  var root = document.currentScript
    ? document.currentScript.previousElementSibling : null;
  if (!root || !root.classList.contains("playground")) { return; }
  var layout = root.querySelector(".pg-layout");
  if (!layout) { return; }

  // MARK: - The network

  /** Little-endian float32 values from base64 text. */
  function decode(text) {
    var binary = atob(text);
    var view = new DataView(new ArrayBuffer(binary.length));
    for (var i = 0; i !== binary.length; i++) {
      view.setUint8(i, binary.charCodeAt(i));
    }
    var values = new Float32Array(Math.floor(binary.length / 4));
    for (var k = 0; k !== values.length; k++) {
      values[k] = view.getFloat32(4 * k, true);
    }
    return values;
  }

  /** Layers from the flat parameters, in the order of `data-layers`
      (`conv5x5x20,pool2,100,10`): per convolution its filters (map,
      channel, row, column) then one bias per map; per dense layer its
      weights (out, in) row-major, then its biases (out); a pool has none.
      The input is one rows × columns map. */
  function layersOf(spec, rows, columns, parameters) {
    var layers = [];
    var offset = 0;
    var shape = { channels: 1, height: rows, width: columns };
    var words = spec.split(",");
    for (var l = 0; l !== words.length; l++) {
      var conv = /^conv([0-9]+)x([0-9]+)x([0-9]+)$/.exec(words[l]);
      var pool = /^pool([0-9]+)$/.exec(words[l]);
      var layer;
      if (conv) {
        var size = Number(conv[1]);
        var maps = Number(conv[3]);
        var taps = shape.channels * size * size;
        layer = {
          kind: "conv", size: size, maps: maps, input: shape,
          weights: parameters.subarray(offset, offset + maps * taps),
          biases: parameters.subarray(
            offset + maps * taps, offset + maps * taps + maps)
        };
        offset += maps * taps + maps;
        shape = { channels: maps, height: shape.height - size + 1,
          width: shape.width - size + 1 };
      } else if (pool) {
        var side = Number(pool[1]);
        layer = { kind: "pool", size: side, input: shape };
        shape = { channels: shape.channels,
          height: Math.floor(shape.height / side),
          width: Math.floor(shape.width / side) };
      } else {
        var inputs = shape.channels * shape.height * shape.width;
        var outputs = Number(words[l]);
        var end = offset + inputs * outputs;
        layer = {
          kind: "dense", inputs: inputs, outputs: outputs,
          weights: parameters.subarray(offset, end),
          biases: parameters.subarray(end, end + outputs)
        };
        offset = end + outputs;
        shape = { channels: 1, height: 1, width: outputs };
      }
      layers.push(layer);
    }
    if (offset !== parameters.length) {
      throw new Error("the embedded network has " + parameters.length
        + " parameters, its layers need " + offset);
    }
    return layers;
  }

  /** f(z) in place. */
  function activate(name, z) {
    var j;
    if (name === "softmax") {
      var largest = -Infinity;
      for (j = 0; j !== z.length; j++) { largest = Math.max(largest, z[j]); }
      var sum = 0;
      for (j = 0; j !== z.length; j++) {
        z[j] = Math.exp(z[j] - largest);
        sum += z[j];
      }
      for (j = 0; j !== z.length; j++) { z[j] /= sum; }
    } else if (name === "relu") {
      for (j = 0; j !== z.length; j++) { z[j] = Math.max(z[j], 0); }
    } else if (name === "tanh") {
      for (j = 0; j !== z.length; j++) { z[j] = Math.tanh(z[j]); }
    } else {
      for (j = 0; j !== z.length; j++) { z[j] = 1 / (1 + Math.exp(-z[j])); }
    }
  }

  /** z of a convolution: every filter at every valid position, stride 1;
      maps (map, row, column) from input maps (channel, row, column). */
  function convolve(layer, a) {
    var input = layer.input;
    var size = layer.size;
    var height = input.height - size + 1;
    var width = input.width - size + 1;
    var taps = input.channels * size * size;
    var z = new Float64Array(layer.maps * height * width);
    for (var f = 0; f !== layer.maps; f++) {
      for (var y = 0; y !== height; y++) {
        for (var x = 0; x !== width; x++) {
          var sum = layer.biases[f];
          for (var c = 0; c !== input.channels; c++) {
            for (var ky = 0; ky !== size; ky++) {
              var w = f * taps + (c * size + ky) * size;
              var at = (c * input.height + y + ky) * input.width + x;
              for (var kx = 0; kx !== size; kx++) {
                sum += layer.weights[w + kx] * a[at + kx];
              }
            }
          }
          z[(f * height + y) * width + x] = sum;
        }
      }
    }
    return z;
  }

  /** Max-pooling: the largest of each size × size window of every map. */
  function maxPool(layer, a) {
    var input = layer.input;
    var size = layer.size;
    var height = Math.floor(input.height / size);
    var width = Math.floor(input.width / size);
    var out = new Float64Array(input.channels * height * width);
    for (var f = 0; f !== input.channels; f++) {
      for (var i = 0; i !== height; i++) {
        for (var j = 0; j !== width; j++) {
          var first = (f * input.height + i * size) * input.width + j * size;
          var largest = a[first];
          for (var dy = 0; dy !== size; dy++) {
            for (var dx = 0; dx !== size; dx++) {
              var v = a[first + dy * input.width + dx];
              if (v > largest) { largest = v; }
            }
          }
          out[(f * height + i) * width + j] = largest;
        }
      }
    }
    return out;
  }

  /** z = W a + b of a fully-connected layer. */
  function dense(layer, a) {
    var z = new Float64Array(layer.outputs);  // (out)
    for (var j = 0; j !== layer.outputs; j++) {
      var row = j * layer.inputs;
      var sum = layer.biases[j];
      for (var k = 0; k !== layer.inputs; k++) {
        sum += layer.weights[row + k] * a[k];
      }
      z[j] = sum;
    }
    return z;
  }

  /** The output activations for one input of values in [0, 1]. A pool
      passes on the activations below it (max commutes with them). */
  function feedforward(network, input) {
    var a = input;
    for (var l = 0; l !== network.layers.length; l++) {
      var layer = network.layers[l];
      var last = l === network.layers.length - 1;
      if (layer.kind === "pool") {
        a = maxPool(layer, a);
        continue;
      }
      var z = layer.kind === "conv" ? convolve(layer, a) : dense(layer, a);
      activate(last ? network.output : network.hidden, z);
      a = z;
    }
    return a;
  }

  /** Index of the first largest value, as the engine picks it. */
  function argmax(values) {
    var best = 0;
    for (var j = 1; j !== values.length; j++) {
      if (values[j] > values[best]) { best = j; }
    }
    return best;
  }

  // MARK: - Preprocessing

  /** Area averaging along one axis: each of `lines` lines holds `length`
      values, read(line, k); write(line, p, mean) receives the mean of each
      of `parts` equal spans, partly covered values weighted by how much of
      them the span covers. */
  function shrink(read, length, parts, lines, write) {
    var span = length / parts;
    for (var p = 0; p !== parts; p++) {
      var from = p * span;
      var to = from + span;
      var first = Math.floor(from);
      var last = Math.min(Math.ceil(to), length);
      for (var line = 0; line !== lines; line++) {
        var sum = 0;
        for (var k = first; last > k; k++) {
          var weight = Math.min(to, k + 1) - Math.max(from, k);
          if (weight > 0) { sum += weight * read(line, k); }
        }
        write(line, p, sum / span);
      }
    }
  }

  /** The bytes (rows, columns) the network sees for an ink image
      (height, width) of coverages in [0, 1]; null when there is no ink. */
  function preprocess(ink, width, height, rows, columns, preparation) {
    var fill = preparation === "fill-frame-centred";
    var left = width, right = -1, top = height, bottom = -1;
    for (var y = 0; y !== height; y++) {
      for (var x = 0; x !== width; x++) {
        if (ink[y * width + x] > 0) {
          if (left > x) { left = x; }
          if (x > right) { right = x; }
          if (top > y) { top = y; }
          if (y > bottom) { bottom = y; }
        }
      }
    }
    if (right === -1) { return null; }
    var boxWidth = right - left + 1;
    var boxHeight = bottom - top + 1;
    // MNIST: the longer side becomes 20 of 28 pixels; Fashion-MNIST: 28.
    var box = fill ? Math.min(rows, columns)
      : Math.max(1, Math.round(Math.min(rows, columns) * 20 / 28));
    var scale = box / Math.max(boxWidth, boxHeight);
    var w = Math.min(box, Math.max(1, Math.round(boxWidth * scale)));
    var h = Math.min(box, Math.max(1, Math.round(boxHeight * scale)));

    var narrow = new Float64Array(boxHeight * w);  // (boxHeight, w)
    shrink(function (line, k) { return ink[(top + line) * width + left + k]; },
      boxWidth, w, boxHeight,
      function (line, p, v) { narrow[line * w + p] = v; });
    var small = new Float64Array(h * w);  // (h, w)
    shrink(function (line, k) { return narrow[k * w + line]; },
      boxHeight, h, w,
      function (line, p, v) { small[p * w + line] = v; });

    // MNIST puts the centre of mass on pixel (14, 14), counting from 0:
    // in its test set every digit's lies within half a pixel of it. Half a
    // pixel off, and most digits move by one, which costs the network
    // several points of accuracy.
    var mass = 0, mx = 0, my = 0;
    for (var i = 0; i !== h; i++) {
      for (var j = 0; j !== w; j++) {
        var v = small[i * w + j];
        mass += v;
        mx += v * j;
        my += v * i;
      }
    }
    var dx = Math.round(Math.floor(columns / 2) - mx / mass);
    var dy = Math.round(Math.floor(rows / 2) - my / mass);
    if (fill) {
      // Fashion-MNIST centres the box itself, not its ink's mass.
      dx = Math.floor((columns - w) / 2);
      dy = Math.floor((rows - h) / 2);
    }
    dx = Math.min(Math.max(dx, 0), columns - w);
    dy = Math.min(Math.max(dy, 0), rows - h);

    var image = new Uint8Array(rows * columns);  // (rows, columns)
    for (var r = 0; r !== h; r++) {
      for (var c = 0; c !== w; c++) {
        var grey = Math.min(Math.max(small[r * w + c], 0), 1);
        image[(dy + r) * columns + dx + c] = Math.round(grey * 255);
      }
    }
    return image;
  }

  // MARK: - The page

  var rows = Number(layout.getAttribute("data-rows"));
  var columns = Number(layout.getAttribute("data-columns"));
  var network = {
    hidden: layout.getAttribute("data-hidden"),
    output: layout.getAttribute("data-output"),
    layers: layersOf(layout.getAttribute("data-layers"), rows, columns,
      decode(layout.getAttribute("data-parameters")))
  };
  var preparation = layout.getAttribute("data-preparation");

  var pad = layout.querySelector("canvas.pg-draw");
  var pen = pad.getContext("2d", { willReadFrequently: true });
  pen.lineCap = "round";
  pen.lineJoin = "round";
  pen.strokeStyle = "#111111";
  // About a tenth of a digit drawn across most of the pad: MNIST's strokes
  // are 2 to 3 pixels wide in its 20-pixel box.
  pen.lineWidth = pad.width * 0.075;

  var seen = layout.querySelector("canvas.pg-input");
  var seenPen = seen.getContext("2d");
  var answer = layout.querySelector(".pg-predicted");
  var chart = layout.querySelector("svg.pg-bars");
  var track = Number(chart.getAttribute("data-track"));
  var chartRows = chart.querySelectorAll(".pg-row");

  var state = {
    /** The bytes (rows, columns) the network saw last. */
    input: new Uint8Array(rows * columns),
    /** Its output activations, or null before anything is drawn. */
    outputs: null,
    /** Index of the predicted class, or -1. */
    predicted: -1,
    label: null,
    canvas: pad,
    update: update,
    clear: clear,
    feedforward: function (input) { return feedforward(network, input); }
  };
  window.labrunPlaygrounds = window.labrunPlaygrounds || [];
  window.labrunPlaygrounds.push(state);

  function update() {
    var pixels = pen.getImageData(0, 0, pad.width, pad.height).data;
    var ink = new Float64Array(pad.width * pad.height);  // (height, width)
    for (var i = 0; i !== ink.length; i++) { ink[i] = pixels[4 * i + 3] / 255; }
    var image = preprocess(
      ink, pad.width, pad.height, rows, columns, preparation);
    if (image === null) {
      state.input = new Uint8Array(rows * columns);
      state.outputs = null;
      state.predicted = -1;
      state.label = null;
    } else {
      var x = new Float64Array(image.length);
      for (var k = 0; k !== image.length; k++) { x[k] = image[k] / 255; }
      state.input = image;
      state.outputs = feedforward(network, x);
      state.predicted = argmax(state.outputs);
      var label = chartRows[state.predicted].querySelector(".pg-label");
      state.label = label ? label.textContent : String(state.predicted);
    }
    render();
  }

  function render() {
    var picture = seenPen.createImageData(columns, rows);
    for (var i = 0; i !== rows * columns; i++) {
      var grey = 255 - state.input[i];
      picture.data[4 * i] = grey;
      picture.data[4 * i + 1] = grey;
      picture.data[4 * i + 2] = grey;
      picture.data[4 * i + 3] = 255;
    }
    seenPen.putImageData(picture, 0, 0);
    answer.textContent = state.label === null ? "–" : state.label;
    for (var j = 0; j !== chartRows.length; j++) {
      var value = state.outputs ? state.outputs[j] : 0;
      var shown = Math.min(Math.max(value, 0), 1);
      chartRows[j].querySelector(".pg-bar")
        .setAttribute("width", (shown * track).toFixed(1));
      chartRows[j].querySelector(".pg-value").textContent =
        state.outputs ? value.toFixed(2) : "";
      chartRows[j].classList.toggle("top", j === state.predicted);
    }
  }

  function clear() {
    pen.clearRect(0, 0, pad.width, pad.height);
    update();
  }

  // MARK: - Drawing: mouse, pen and touch alike through Pointer Events

  var last = null;
  var pointer = null;  // the one pointer drawing; a second finger is ignored
  var scheduled = false;

  function point(event) {
    var box = pad.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * pad.width / box.width,
      y: (event.clientY - box.top) * pad.height / box.height
    };
  }

  function stroke(from, to) {
    pen.beginPath();
    pen.moveTo(from.x, from.y);
    // A zero-length line draws nothing; a tap should leave a dot.
    var same = from.x === to.x ? from.y === to.y : false;
    pen.lineTo(to.x + (same ? 0.01 : 0), to.y);
    pen.stroke();
  }

  /** Live updates, at most one per frame. */
  function schedule() {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      update();
    });
  }

  pad.addEventListener("pointerdown", function (event) {
    if (event.pointerType === "mouse" ? event.button !== 0 : false) {
      return;
    }
    if (last !== null) { return; }
    event.preventDefault();
    try { pad.setPointerCapture(event.pointerId); } catch (ignored) {}
    pointer = event.pointerId;
    last = point(event);
    stroke(last, last);
    schedule();
  });
  pad.addEventListener("pointermove", function (event) {
    if (last === null ? true : event.pointerId !== pointer) { return; }
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    if (events.length === 0) { events = [event]; }
    for (var i = 0; i !== events.length; i++) {
      var next = point(events[i]);
      stroke(last, next);
      last = next;
    }
    schedule();
  });
  function finish(event) {
    if (last === null ? true : event.pointerId !== pointer) { return; }
    last = null;
    pointer = null;
    update();
  }
  pad.addEventListener("pointerup", finish);
  pad.addEventListener("pointercancel", finish);
  pad.addEventListener("lostpointercapture", finish);
  layout.querySelector(".pg-clear").addEventListener("click", clear);
  render();
})();
"""#
}
