
function coefanimViewer(root, M, F) {
  "use strict";
  const $ = (s) => root.querySelector(s);
  const cv = $("canvas"), ctx = cv.getContext("2d"), tip = $(".cav-tip");
  const btn = $(".cav-play"), slider = $(".cav-slider"), label = $(".cav-label");
  const speed = $(".cav-speed"), maskBox = $(".cav-mask");
  cv.width = M.w; cv.height = M.h;
  const img = ctx.createImageData(M.w, M.h);
  const px = new Uint32Array(img.data.buffer), ix = new Uint8Array(M.w * M.h);
  const pb = atob(M.palette), pal = new Uint32Array(256);
  for (let i = 0; i * 3 < pb.length; i++) {
    pal[i] = (0xff000000 | (pb.charCodeAt(3 * i + 2) << 16) |
      (pb.charCodeAt(3 * i + 1) << 8) | pb.charCodeAt(3 * i)) >>> 0;
  }
  const n = F.length, cache = new Map();
  let base = null, baseIx = null, prev = [], shown = -1, want = 0, busy = false;
  let playing = false, timer = null, cur = null, region = null, pointer = null;
  root.setAttribute("data-n-frames", String(n));
  slider.max = String(n - 1);
  // butterfly: the channels' traces under the maps (its one state and drawing)
  const bfly = M.butterfly ? butterflyLayer({ctx: ctx, root: root,
    repaint: () => ctx.putImageData(img, 0, 0)}, M) : null;

  function bytes(s) {
    const b = atob(s), out = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
    return out;
  }
  async function inflate(s) {
    const stream = new Blob([bytes(s)]).stream()
      .pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  function parse(buf) {
    const dv = new DataView(buf.buffer), count = dv.getUint16(0, true);
    const rects = [];
    let o = 2 + 8 * count;
    for (let r = 0; r < count; r++) {
      const q = 2 + 8 * r, w = dv.getUint16(q + 4, true), h = dv.getUint16(q + 6, true);
      rects.push([dv.getUint16(q, true), dv.getUint16(q + 2, true), w, h, o]);
      o += w * h;
    }
    return {rects: rects, data: buf};
  }
  function load(k) {
    let p = cache.get(k);
    if (!p) {
      // with a mask: the frame, then where it differs without the markers
      p = Promise.all(F[k].split(" ").map(inflate)).then((parts) => {
        const fr = parse(parts[0]);
        fr.bare = parts.length > 1 ? parse(parts[1]) : null;
        return fr;
      });
      cache.set(k, p);
      if (cache.size > 96) cache.delete(cache.keys().next().value);
    }
    return p;
  }
  async function paint(k) {
    const fr = await load(k);
    for (const [x, y, w, h] of prev) {
      for (let r = y; r < y + h; r++) {
        px.set(base.subarray(r * M.w + x, r * M.w + x + w), r * M.w + x);
        ix.set(baseIx.subarray(r * M.w + x, r * M.w + x + w), r * M.w + x);
      }
    }
    draw(fr);
    prev = fr.rects;
    const bare = !!(maskBox && !maskBox.checked);
    root.setAttribute("data-markers", bare ? "0" : "1");
    if (fr.bare && bare) {
      draw(fr.bare);
      prev = prev.concat(fr.bare.rects);
    }
    ctx.putImageData(img, 0, 0);
    if (bfly) bfly.redraw();  // butterfly: the highlight over every frame
    shown = k;
    cur = fr;
    root.setAttribute("data-frame", String(k));
    slider.value = String(k);
    label.textContent = M.labels[k] + "  (" + (k + 1) + "/" + n + ")";
    if (pointer) hover(pointer);  // the tip follows the frame
  }
  function draw(fr) {
    const d = fr.data;
    for (const [x, y, w, h, o] of fr.rects) {
      let s = o;
      for (let r = y; r < y + h; r++) {
        let t = r * M.w + x;
        for (let c = 0; c < w; c++, t++, s++) { ix[t] = d[s]; px[t] = pal[d[s]]; }
      }
    }
  }
  async function pump() {
    if (busy) return;
    busy = true;
    try { while (want !== shown) await paint(want); } finally { busy = false; }
  }
  function show(k) {
    want = ((k % n) + n) % n;
    return pump();
  }
  function setHash() {
    // the time in the unit shown, with the decimals that find this frame
    if (M.standalone && shown >= 0)
      history.replaceState(null, "", "#t=" + M.hash[shown]);
  }
  function tick() {
    if (!playing) return;
    const start = performance.now(), next = (shown + 1) % n;
    for (let j = 2; j < 8; j++) load((shown + j) % n);
    show(next).then(() => {
      if (!playing) return;
      const wait = 1000 / (M.fps * Number(speed.value)) - (performance.now() - start);
      timer = setTimeout(tick, Math.max(0, wait));
    });
  }
  function play(on) {
    playing = on;
    root.setAttribute("data-playing", on ? "1" : "0");
    btn.textContent = on ? "\u275a\u275a" : "\u25b6";
    clearTimeout(timer);
    if (on) tick(); else setHash();
  }
  function step(d) { play(false); show(shown + d).then(setHash); }
  function seek(k) { show(k).then(setHash); }

  function where(e) {
    const b = cv.getBoundingClientRect();
    return [(e.clientX - b.left) * M.w / b.width, (e.clientY - b.top) * M.h / b.height];
  }
  const SENSOR_PX = 3;  // a sensor's dot: within this many pixels of it
  const inside = (b, x, y) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
  function fmt(v) {  // at most 4 significant digits, as stored: no padding
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) return String(Number(v.toExponential(3)));
    return String(Number(v.toPrecision(4)));
  }
  function fmtAt(v, d) {  // to the decimals d that tell levels apart
    if (d > 6 || Math.abs(v) >= 1e6) {
      return v.toExponential(Math.max(0, Math.ceil(Math.log10(Math.abs(v) || 1)) + d));
    }
    return v.toFixed(d);
  }
  function unmarkedIndex(q) {  // the pixel's index in the frame without markers
    const xq = q % M.w, yq = (q - xq) / M.w;
    if (cur && cur.bare) {
      for (const [x, y, w, h, o] of cur.bare.rects) {
        if (xq >= x && xq < x + w && yq >= y && yq < y + h) {
          return cur.bare.data[o + (yq - y) * w + (xq - x)];
        }
      }
    }
    return ix[q];
  }
  function level(i) {  // [table, level] of a palette index, or null
    for (const t of M.tables) if (i >= t[0] && i < t[0] + t[1]) return [t, i - t[0]];
    return null;
  }
  function mapValue(x, y) {  // the value interval the pixel's colour encodes
    if (!region || !cur) return null;
    const q = Math.floor(y) * M.w + Math.floor(x);
    if (x < 0 || y < 0 || x >= M.w || y >= M.h) return null;
    if (region[q] === 0) return null;  // no map here
    if (region[q] === 255) return "";  // a map partly covered: its colour is a blend
    const i = unmarkedIndex(q), found = level(i);
    if (!found || !found[0][2]) return "";
    if (M.contours) {  // a contour line's blend may look like a level: a
      // neighbour of the same cell shows the same colour where none passes
      const same = [q - 1, q + 1, q - M.w, q + M.w].some((r) =>
        r >= 0 && r < region.length && region[r] === region[q] &&
        unmarkedIndex(r) === i);
      if (!same) return "";
    }
    const [t, l] = found, e = t[2], lo = e[l], hi = e[l + 1];
    const d = Math.max(0, Math.ceil(-Math.log10(hi - lo)));
    if (l === 0) return "map \u2264 " + fmtAt(hi, d);  // clipped below vmin
    if (l === t[1] - 1) return "map \u2265 " + fmtAt(lo, d);
    return "map " + fmtAt(lo, d) + " to " + fmtAt(hi, d);
  }
  function nearestTime(t) {
    let best = 0;
    for (let i = 1; i < n; i++) {
      if (Math.abs(M.t[i] - t) < Math.abs(M.t[best] - t)) best = i;
    }
    return best;
  }
  function scoreFrame(x) { return nearestTime((x - M.score.xb) / M.score.xa); }
  function describe(x, y) {
    const k = Math.max(shown, 0);
    const traced = bfly ? bfly.describe(x, y) : undefined;  // butterfly:
    if (traced !== undefined) return traced;
    for (let p = 0; p < M.maps.length; p++) {
      const m = M.maps[p];
      if (!inside(m.box, x, y)) continue;
      let best = 0, bd = Infinity;
      m.pos.forEach((q, c) => {
        const d = (q[0] - x) ** 2 + (q[1] - y) ** 2;
        if (d < bd) { bd = d; best = c; }
      });
      // outside the map nothing is drawn to describe, but a sensor's dot
      const value = mapValue(x, y);
      if (value === null && bd > SENSOR_PX * SENSOR_PX) return null;
      const unit = M.units[p] ? " " + M.units[p] : "";
      let text = M.names[best] + ": " + fmt(M.values[p][k][best]) + unit;
      if (M.masks && M.masks[p][k].includes(best)) text += ", significant";
      return value ? value + unit + "\n" + text : text;
    }
    const s = M.score;
    if (s && inside(s.box, x, y)) {
      const i = scoreFrame(x);
      let text = M.labels[i] + ", " + s.label + " " + fmt(s.mean[i]);
      if (s.matrix) {
        const j = nearestTime((y - s.yb) / s.ya);
        text = "train " + M.labels[j] + ", test " + M.labels[i];
        if (s.values) text += ": " + fmt(s.values[j][i]);
      }
      return text;
    }
    return null;
  }
  function hover(e) {
    const [x, y] = where(e), text = describe(x, y);
    root.setAttribute("data-pixel", Math.floor(x) + "," + Math.floor(y));
    if (text === null) { tip.style.display = "none"; tip.textContent = ""; return; }
    tip.textContent = text;
    tip.style.display = "block";
    const b = cv.getBoundingClientRect();
    tip.style.left = (e.clientX - b.left + 12) + "px";
    tip.style.top = (e.clientY - b.top + 12) + "px";
  }
  cv.addEventListener("mousemove", (e) => {
    pointer = {clientX: e.clientX, clientY: e.clientY};
    hover(pointer);
  });
  cv.addEventListener("mouseleave", () => {
    pointer = null;
    tip.style.display = "none";
    tip.textContent = "";
  });
  cv.addEventListener("click", (e) => {
    root.focus({preventScroll: true});
    const [x, y] = where(e);
    if (bfly && bfly.click(x, y)) return;  // butterfly: a trace or a sensor
    if (M.score && inside(M.score.box, x, y)) {
      play(false); seek(scoreFrame(x)); return;
    }
    if (M.maps.some((m) => inside(m.box, x, y))) play(!playing);
  });
  btn.addEventListener("click", () => play(!playing));
  $(".cav-prev").addEventListener("click", () => step(-1));
  $(".cav-next").addEventListener("click", () => step(1));
  slider.addEventListener("input", () => { play(false); seek(Number(slider.value)); });
  if (maskBox) maskBox.addEventListener("change", () => { shown = -1; show(want); });
  const keys = (e) => {
    if (e.target.tagName === "INPUT" && e.target.type !== "range") return;
    if (e.target.tagName === "SELECT") return;
    const d = e.shiftKey ? 10 : 1;
    if (e.key === " ") play(!playing);
    else if (e.key === "ArrowRight") step(d);
    else if (e.key === "ArrowLeft") step(-d);
    else if (e.key === "Home") step(-shown);
    else if (e.key === "End") step(n - 1 - shown);
    else return;
    e.preventDefault();
    e.stopPropagation();  // e.g. a notebook's own shortcuts
  };
  (M.standalone ? document : root).addEventListener("keydown", keys);
  if (typeof DecompressionStream === "undefined") {
    label.textContent = "This browser cannot decompress the frames " +
      "(no DecompressionStream).";
    label.className += " cav-err";
    return;
  }
  const fromHash = () => {
    const found = M.standalone && /[#&]t=(-?[0-9.]+)/.exec(location.hash);
    return found ? nearestTime(Number(found[1])) : null;
  };
  const hash = fromHash(), first = hash === null ? 0 : hash;
  if (M.standalone) {
    window.addEventListener("hashchange", () => {
      const k = fromHash();
      if (k !== null && base) { play(false); show(k); }
    });
  }
  // the pixels' maps, then frame 0: ready to describe what it draws
  (M.region ? inflate(M.region) : Promise.resolve(null)).then((r) => {
    region = r;
    return load(0);
  }).then((fr) => {
    base = new Uint32Array(M.w * M.h);
    const d = fr.data, o = fr.rects[0][4];
    baseIx = d.slice(o, o + M.w * M.h);
    for (let i = 0; i < base.length; i++) base[i] = pal[baseIx[i]];
    px.set(base);
    ix.set(baseIx);
    root.setAttribute("data-ready", "1");
    return show(first);
  }).then(() => { if (M.autoplay && hash === null) play(true); });
}


// butterfly: butterfly=True draws every channel's time course under its map
// (M.butterfly: per panel its axes' box and pixel = a * value + b maps; the
// traces are M.values, the page's own). Hovering a trace names its channel
// (describe: undefined outside the traces' boxes, null on no trace); a click
// on a trace or a sensor highlights both (again: off), redrawn over every
// frame; nothing else moves.
function butterflyLayer(state, M) {
  "use strict";
  const HIT = 4, SENSOR = 5, COLOR = "#ff7f0e";
  const n = M.t.length, ctx = state.ctx;
  let chosen = null;
  const inBox = (b, x, y) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
  const at = (bf, k, c) =>
    [bf.xa * M.t[k] + bf.xb, bf.ya * M.values[bf.panel][k][c] + bf.yb];
  function toSegment(x, y, a, b) {  // distance from (x, y) to segment a-b
    const dx = b[0] - a[0], dy = b[1] - a[1], d2 = dx * dx + dy * dy;
    const along = d2 ? ((x - a[0]) * dx + (y - a[1]) * dy) / d2 : 0;
    const u = Math.max(0, Math.min(1, along));
    return Math.hypot(x - a[0] - u * dx, y - a[1] - u * dy);
  }
  function frameAt(bf, x) {  // the frame nearest the pointer's time
    let best = 0;
    for (let k = 1; k < n; k++) {
      if (Math.abs(at(bf, k, 0)[0] - x) < Math.abs(at(bf, best, 0)[0] - x)) best = k;
    }
    return best;
  }
  function traceAt(bf, x, y) {  // the channel whose trace passes nearest, or null
    const k = frameAt(bf, x), lo = Math.max(0, k - 1), hi = Math.min(n - 1, k + 1);
    let best = null, bd = HIT;
    for (let c = 0; c < M.names.length; c++) {
      const p = at(bf, lo, c);
      let d = n === 1 ? Math.hypot(x - p[0], y - p[1]) : Infinity;
      for (let j = lo; j < hi; j++) {
        d = Math.min(d, toSegment(x, y, at(bf, j, c), at(bf, j + 1, c)));
      }
      if (d <= bd) { bd = d; best = c; }
    }
    return best;
  }
  function sensorAt(x, y) {
    for (const m of M.maps) {
      if (!inBox(m.box, x, y)) continue;
      for (let c = 0; c < m.pos.length; c++) {
        if (Math.hypot(m.pos[c][0] - x, m.pos[c][1] - y) <= SENSOR) return c;
      }
    }
    return null;
  }
  function redraw() {
    if (chosen === null) return;
    ctx.save();
    ctx.strokeStyle = COLOR;
    ctx.lineWidth = 2;
    for (const bf of M.butterfly) {
      const b = bf.box;
      ctx.save();
      ctx.beginPath();
      ctx.rect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
      ctx.clip();
      ctx.beginPath();
      for (let k = 0; k < n; k++) {
        const p = at(bf, k, chosen);
        if (k) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]);
      }
      ctx.stroke();
      ctx.restore();
    }
    for (const m of M.maps) {
      ctx.beginPath();
      ctx.arc(m.pos[chosen][0], m.pos[chosen][1], SENSOR, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.restore();
  }
  function choose(c) {
    chosen = c === chosen ? null : c;
    state.root.setAttribute("data-channel", chosen === null ? "" : M.names[chosen]);
    state.repaint();
    redraw();
  }
  function describe(x, y) {
    const bf = M.butterfly.find((b) => inBox(b.box, x, y));
    if (!bf) return undefined;
    const c = traceAt(bf, x, y);
    if (c === null) return null;
    const i = frameAt(bf, x), v = M.values[bf.panel][i][c];
    const unit = M.units[bf.panel] ? " " + M.units[bf.panel] : "";
    return M.names[c] + ": " + String(Number(v.toPrecision(4))) + unit + " at " +
      M.labels[i];
  }
  function click(x, y) {
    const bf = M.butterfly.find((b) => inBox(b.box, x, y));
    const c = bf ? traceAt(bf, x, y) : sensorAt(x, y);
    if (!bf && c === null) return false;
    if (c !== null || chosen !== null) choose(c === null ? chosen : c);
    return true;
  }
  return {redraw: redraw, describe: describe, click: click};
}
