// One viewer per root ([data-coefanim-viewer]), its data in the root's own
// JSON script (class cav-data); every function takes the root's state S.
// Hooks for more panels (set them up in setup): S.hooks.frame, f(S, k) after
// frame k is drawn onto the canvas (also after a resize); S.hooks.pointer,
// f(S, x, y, kind) with frame pixel x, y and kind "hover" | "click", true if
// it handled the pointer; S.hooks.describe, f(S, x, y): the hover text, null
// for none, undefined to leave the pixel to the maps and the score panel.
"use strict";
const SENSOR_PX = 3;  // a sensor's dot: within this many pixels of it
const HOLD_MS = 400;  // a touch held this long reads the value under it

function coefanimBoot() {  // every root not yet booted (idempotent)
  for (const root of document.querySelectorAll("[data-coefanim-viewer]")) {
    const data = root.querySelector(":scope > script.cav-data");
    if (root.hasAttribute("data-booted") || !data) continue;
    root.setAttribute("data-booted", "1");
    let D;
    try { D = JSON.parse(data.textContent); } catch (err) { continue; }  // the poster stays
    D.F.pop();  // the list ends with null (frames stream in)
    start(setup(root, D.M, D.F));
  }
}

function setup(root, M, F) {
  const $ = (s) => root.querySelector(s), n = F.length;
  const S = {root: root, M: M, F: F, n: n, cache: new Map(), prev: [],
    shown: -1, want: 0, busy: false, intent: false, playing: false, dir: 1,
    timer: null, cur: null, region: null, pointer: null, base: null,
    hooks: {frame: [], pointer: [], describe: []}, inView: true, scale: 0,
    cv: $("canvas"), tip: $(".cav-tip"), btn: $(".cav-play"),
    slider: $(".cav-slider"), label: $(".cav-label"), speed: $(".cav-speed"),
    loop: $(".cav-loop"), maskBox: $(".cav-mask"), poster: $(".cav-poster"),
    live: $(".cav-live")};
  S.ctx = S.cv.getContext("2d");
  S.off = document.createElement("canvas");  // the frame at its own size
  S.off.width = M.w; S.off.height = M.h;
  S.octx = S.off.getContext("2d");
  S.img = S.octx.createImageData(M.w, M.h);
  S.px = new Uint32Array(S.img.data.buffer);
  S.ix = new Uint8Array(M.w * M.h);
  const pb = atob(M.palette);
  S.pal = new Uint32Array(256);
  for (let i = 0; i * 3 < pb.length; i++) {
    S.pal[i] = (0xff000000 | (pb.charCodeAt(3 * i + 2) << 16) |
      (pb.charCodeAt(3 * i + 1) << 8) | pb.charCodeAt(3 * i)) >>> 0;
  }
  root.setAttribute("data-n-frames", String(n));
  root.setAttribute("data-frame-size", M.w + "," + M.h);
  S.slider.max = String(n - 1);
  if (S.loop) S.loop.value = M.loop || "loop";
  controls(S);
  pointers(S);
  if (M.butterfly) butterfly(S);
  return S;
}

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
function load(S, k) {
  let p = S.cache.get(k);
  if (!p) {
    // with a mask: the frame, then where it differs without the markers
    p = Promise.all(S.F[k].split(" ").map(inflate)).then((parts) => {
      const fr = parse(parts[0]);
      fr.bare = parts.length > 1 ? parse(parts[1]) : null;
      return fr;
    });
    S.cache.set(k, p);
    if (S.cache.size > 96) S.cache.delete(S.cache.keys().next().value);
  }
  return p;
}
async function paint(S, k) {
  const fr = await load(S, k), M = S.M;
  for (const [x, y, w, h] of S.prev) {
    for (let r = y; r < y + h; r++) {
      const a = r * M.w + x;
      S.px.set(S.base.subarray(a, a + w), a);
      S.ix.set(S.baseIx.subarray(a, a + w), a);
    }
  }
  drawRects(S, fr);
  S.prev = fr.rects;
  const bare = !!(S.maskBox && !S.maskBox.checked);
  S.root.setAttribute("data-markers", bare ? "0" : "1");
  if (fr.bare && bare) {
    drawRects(S, fr.bare);
    S.prev = S.prev.concat(fr.bare.rects);
  }
  S.octx.putImageData(S.img, 0, 0);
  S.shown = k;
  S.cur = fr;
  present(S);
  S.root.setAttribute("data-frame", String(k));
  S.slider.value = String(k);
  S.slider.setAttribute("aria-valuetext", M.labels[k]);
  S.label.textContent = M.labels[k] + "  (" + (k + 1) + "/" + S.n + ")";
  S.cv.setAttribute("aria-label", M.alt + ", at " + M.labels[k]);
  if (S.pointer) hover(S, S.pointer);  // the tip follows the frame
}
function drawRects(S, fr) {
  const d = fr.data, W = S.M.w;
  for (const [x, y, w, h, o] of fr.rects) {
    let s = o;
    for (let r = y; r < y + h; r++) {
      let t = r * W + x;
      for (let c = 0; c < w; c++, t++, s++) { S.ix[t] = d[s]; S.px[t] = S.pal[d[s]]; }
    }
  }
}
function present(S) {  // the frame onto the canvas, at its backing size
  const cv = S.cv, M = S.M;
  if (cv.width === M.w && cv.height === M.h) S.ctx.putImageData(S.img, 0, 0);
  else {
    const f = cv.width / M.w;  // a whole multiple: each pixel a block, exactly
    S.ctx.imageSmoothingEnabled = !(f === Math.round(f) && cv.height === f * M.h);
    S.ctx.imageSmoothingQuality = "high";
    S.ctx.drawImage(S.off, 0, 0, cv.width, cv.height);
  }
  for (const f of S.hooks.frame) f(S, S.shown);
}
function fit(S) {  // the width of the container and the window's height
  const M = S.M, cv = S.cv, parent = S.root.parentElement;
  const dpr = window.devicePixelRatio || 1, w = M.w * 100 / M.dpi, h = M.h * 100 / M.dpi;
  for (let pass = 0; pass < 2; pass++) {  // the bar may wrap on narrowing
    let room = w;
    if (parent) {
      const st = getComputedStyle(parent);
      room = parent.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
      if (!(room > 0)) room = w;  // an inline or hidden container: no width to fit
    }
    const around = S.root.getBoundingClientRect().height - cv.getBoundingClientRect().height;
    const tall = window.innerHeight - around - 16;
    const s = Math.max(0.1, Math.min(1, room / w, tall / h));
    if (pass && s === S.scale) break;
    S.scale = s;
    cv.style.width = w * s + "px";
    cv.style.height = h * s + "px";
  }
  const bw = Math.round(w * S.scale * dpr), bh = Math.round(h * S.scale * dpr);
  if (cv.width !== bw || cv.height !== bh) {
    cv.width = bw; cv.height = bh;
    if (S.shown >= 0) present(S);
  }
}
async function pump(S) {
  if (S.busy) return;
  S.busy = true;
  try { while (S.want !== S.shown) await paint(S, S.want); } finally { S.busy = false; }
}
function show(S, k) {
  S.want = ((k % S.n) + S.n) % S.n;
  return pump(S);
}
function setHash(S) {
  // the time in the unit shown, with the decimals that find this frame
  if (S.M.standalone && S.shown >= 0)
    history.replaceState(null, "", "#t=" + S.M.hash[S.shown]);
}
function nextFrame(S) {  // the frame after the shown one, by the loop mode; -1: stop
  const mode = S.loop ? S.loop.value : "loop", k = S.shown, last = S.n - 1;
  if (mode === "once") return k < last ? k + 1 : -1;
  if (mode === "reflect" && last > 0) {
    if (k + S.dir < 0 || k + S.dir > last) S.dir = -S.dir;
    return k + S.dir;
  }
  return (k + 1) % S.n;
}
function tick(S) {
  if (!S.playing) return;
  const t0 = performance.now(), next = nextFrame(S);
  if (next < 0) { setPlay(S, false); return; }
  for (let j = 2; j < 8; j++) load(S, (S.shown + j * S.dir + 8 * S.n) % S.n);
  show(S, next).then(() => {
    if (!S.playing) return;
    const wait = 1000 / (S.M.fps * Number(S.speed.value)) - (performance.now() - t0);
    S.timer = setTimeout(() => tick(S), Math.max(0, wait));
  });
}
function run(S) {  // play while wanted, in view and the page visible
  const on = S.intent && S.inView && !document.hidden && S.base !== null;
  S.root.setAttribute("data-playing", on ? "1" : "0");
  S.btn.setAttribute("aria-pressed", S.intent ? "true" : "false");
  S.btn.textContent = S.intent ? "\u275a\u275a" : "\u25b6";
  // announce the time when it stops changing, not at every frame
  S.label.setAttribute("aria-live", S.intent ? "off" : "polite");
  if (on === S.playing) return;
  S.playing = on;
  clearTimeout(S.timer);
  if (on) tick(S);
}
function setPlay(S, on, auto) {
  if (!auto) S.root.setAttribute("data-touched", "1");
  if (on && S.loop && S.loop.value === "once" && S.shown === S.n - 1) show(S, 0);
  S.intent = on;
  run(S);
  if (!on) setHash(S);
}
function step(S, d) { setPlay(S, false); show(S, S.shown + d).then(() => setHash(S)); }
function seek(S, k) { show(S, k).then(() => setHash(S)); }

function controls(S) {
  S.btn.addEventListener("click", () => setPlay(S, !S.intent));
  S.root.querySelector(".cav-prev").addEventListener("click", () => step(S, -1));
  S.root.querySelector(".cav-next").addEventListener("click", () => step(S, 1));
  S.root.querySelector(".cav-png").addEventListener("click", () => savePng(S));
  S.slider.addEventListener("input", () => { setPlay(S, false); seek(S, Number(S.slider.value)); });
  if (S.maskBox) S.maskBox.addEventListener("change", () => { S.shown = -1; show(S, S.want); });
  (S.M.standalone ? document : S.root).addEventListener("keydown", (e) => keys(S, e));
}
function keys(S, e) {
  const tag = e.target.tagName, k = e.key;
  if (e.ctrlKey || e.metaKey || e.altKey || tag === "SELECT") return;
  // a focused button or checkbox acts as it does: Space and Enter are theirs
  if ((k === " " || k === "Enter") && (tag === "BUTTON" ||
      (tag === "INPUT" && e.target.type !== "range"))) return;
  const d = e.shiftKey ? 10 : 1;
  if (k === " ") setPlay(S, !S.intent);
  else if (k === "ArrowRight") step(S, d);
  else if (k === "ArrowLeft") step(S, -d);
  else if (k === "Home") step(S, -S.shown);
  else if (k === "End") step(S, S.n - 1 - S.shown);
  else if (k === "s" || k === "S") savePng(S);
  else return;
  e.preventDefault();
  e.stopPropagation();  // e.g. a notebook's own shortcuts
}
function savePng(S) {  // the frame shown, at its own size, as a download
  const name = ((S.M.title || "frame") + "_" + S.M.hash[Math.max(S.shown, 0)] +
    S.M.unit).replace(/[^A-Za-z0-9._-]+/g, "_") + ".png";
  S.off.toBlob((blob) => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    S.root.setAttribute("data-saved", name);
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }, "image/png");
}

function where(S, e) {
  const b = S.cv.getBoundingClientRect();
  return [(e.clientX - b.left) * S.M.w / b.width, (e.clientY - b.top) * S.M.h / b.height];
}
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
function unmarkedIndex(S, q) {  // the pixel's index in the frame without markers
  const W = S.M.w, xq = q % W, yq = (q - xq) / W;
  if (S.cur && S.cur.bare) {
    for (const [x, y, w, h, o] of S.cur.bare.rects) {
      if (xq >= x && xq < x + w && yq >= y && yq < y + h) {
        return S.cur.bare.data[o + (yq - y) * w + (xq - x)];
      }
    }
  }
  return S.ix[q];
}
function level(S, i) {  // [table, level] of a palette index, or null
  for (const t of S.M.tables) if (i >= t[0] && i < t[0] + t[1]) return [t, i - t[0]];
  return null;
}
function mapValue(S, x, y) {  // the value interval the pixel's colour encodes
  const M = S.M, region = S.region;
  if (!region || !S.cur) return null;
  const q = Math.floor(y) * M.w + Math.floor(x);
  if (x < 0 || y < 0 || x >= M.w || y >= M.h) return null;
  if (region[q] === 0) return null;  // no map here
  if (region[q] === 255) return "";  // a map partly covered: its colour is a blend
  const i = unmarkedIndex(S, q), found = level(S, i);
  if (!found || !found[0][2]) return "";
  if (M.contours) {  // a contour line's blend may look like a level: a
    // neighbour of the same cell shows the same colour where none passes
    const same = [q - 1, q + 1, q - M.w, q + M.w].some((r) =>
      r >= 0 && r < region.length && region[r] === region[q] &&
      unmarkedIndex(S, r) === i);
    if (!same) return "";
  }
  const [t, l] = found, e = t[2], lo = e[l], hi = e[l + 1];
  const d = Math.max(0, Math.ceil(-Math.log10(hi - lo)));
  if (l === 0) return "map \u2264 " + fmtAt(hi, d);  // clipped below vmin
  if (l === t[1] - 1) return "map \u2265 " + fmtAt(lo, d);
  return "map " + fmtAt(lo, d) + " to " + fmtAt(hi, d);
}
function nearestTime(S, t) {
  let best = 0;
  for (let i = 1; i < S.n; i++) {
    if (Math.abs(S.M.t[i] - t) < Math.abs(S.M.t[best] - t)) best = i;
  }
  return best;
}
function scoreFrame(S, x) { return nearestTime(S, (x - S.M.score.xb) / S.M.score.xa); }
function describe(S, x, y) {
  const M = S.M, k = Math.max(S.shown, 0);
  for (const f of S.hooks.describe) {
    const text = f(S, x, y);
    if (text !== undefined) return text;
  }
  for (let p = 0; p < M.maps.length; p++) {
    const m = M.maps[p];
    if (!inside(m.box, x, y)) continue;
    let best = 0, bd = Infinity;
    m.pos.forEach((q, c) => {
      const d = (q[0] - x) ** 2 + (q[1] - y) ** 2;
      if (d < bd) { bd = d; best = c; }
    });
    // outside the map nothing is drawn to describe, but a sensor's dot
    const value = mapValue(S, x, y);
    if (value === null && bd > SENSOR_PX * SENSOR_PX) return null;
    const unit = M.units[p] ? " " + M.units[p] : "";
    let text = M.names[best] + ": " + fmt(M.values[p][k][best]) + unit;
    if (M.masks && M.masks[p][k].includes(best)) text += ", significant";
    return value ? value + unit + "\n" + text : text;
  }
  const s = M.score;
  if (s && inside(s.box, x, y)) {
    const i = scoreFrame(S, x);
    let text = M.labels[i] + ", " + s.label + " " + fmt(s.mean[i]);
    if (s.matrix) {
      const j = nearestTime(S, (y - s.yb) / s.ya);
      text = "train " + M.labels[j] + ", test " + M.labels[i];
      if (s.values) text += ": " + fmt(s.values[j][i]);
    }
    return text;
  }
  return null;
}
function hover(S, e) {
  const [x, y] = where(S, e), tip = S.tip;
  S.root.setAttribute("data-pixel", Math.floor(x) + "," + Math.floor(y));
  if (S.hooks.pointer.some((f) => f(S, x, y, "hover"))) return;
  const text = describe(S, x, y);
  if (text === null) { hideTip(S); return; }
  tip.textContent = text;
  tip.style.display = "block";
  const b = S.cv.getBoundingClientRect();
  tip.style.left = (e.clientX - b.left + 12) + "px";
  tip.style.top = (e.clientY - b.top + 12) + "px";
}
function hideTip(S) { S.tip.style.display = "none"; S.tip.textContent = ""; }

function pointers(S) {  // mouse, pen and touch
  const cv = S.cv, M = S.M;
  let scrub = null, hold = null, held = false, from = null;
  const onScore = (x, y) => M.score && inside(M.score.box, x, y);
  const at = (e) => ({clientX: e.clientX, clientY: e.clientY});
  cv.addEventListener("mousemove", (e) => { if (!held) { S.pointer = at(e); hover(S, S.pointer); } });
  cv.addEventListener("mouseleave", () => { if (!held) { S.pointer = null; hideTip(S); } });
  cv.addEventListener("pointerdown", (e) => {
    const [x, y] = where(S, e);
    if (held) { held = false; S.pointer = null; hideTip(S); }
    if (onScore(x, y)) {  // drag along the score panel: scrub through time
      scrub = e.pointerId;
      try { cv.setPointerCapture(e.pointerId); } catch (err) { /* synthetic */ }
      setPlay(S, false);
      seek(S, scoreFrame(S, x));
    } else if (e.pointerType !== "mouse") {  // held on the map: read its value
      from = [e.clientX, e.clientY];
      clearTimeout(hold);
      hold = setTimeout(() => { held = true; S.pointer = at(e); hover(S, S.pointer); }, HOLD_MS);
    }
  });
  cv.addEventListener("pointermove", (e) => {
    if (scrub === e.pointerId) { seek(S, scoreFrame(S, where(S, e)[0])); return; }
    if (held) { S.pointer = at(e); hover(S, S.pointer); return; }
    if (hold && from && Math.hypot(e.clientX - from[0], e.clientY - from[1]) > 8) {
      clearTimeout(hold); hold = null;  // a swipe, not a hold
    }
  });
  const up = () => { scrub = null; clearTimeout(hold); hold = null; };
  cv.addEventListener("pointerup", up);
  cv.addEventListener("pointercancel", up);
  cv.addEventListener("contextmenu", (e) => { if (held) e.preventDefault(); });
  cv.addEventListener("click", (e) => {
    S.root.focus({preventScroll: true});
    if (held) return;  // the end of a hold: the value stays shown
    const [x, y] = where(S, e);
    if (S.hooks.pointer.some((f) => f(S, x, y, "click"))) return;
    if (onScore(x, y)) { setPlay(S, false); seek(S, scoreFrame(S, x)); return; }
    if (M.maps.some((m) => inside(m.box, x, y))) setPlay(S, !S.intent);
  });
}

// Motion: no autoplay when the reader asks for reduced motion; playback
// pauses off screen or in a hidden tab and resumes as it was. Of the
// autoplaying viewers in view (a report, a notebook), only the first in the
// page plays by itself; the others wait for their play button.
function watch(S) {
  const root = S.root;
  const first = () => document.querySelector(
    "[data-coefanim-viewer][data-auto='1'][data-in-view='1']") === root;
  const arbitrate = () => {
    if (!root.isConnected) return;
    // out of view, a viewer keeps what it wanted (run pauses it)
    if (S.inView && root.getAttribute("data-auto") === "1" &&
        !root.hasAttribute("data-touched")) {
      const on = first();
      if (on !== S.intent) setPlay(S, on, true);
    }
    run(S);
  };
  document.addEventListener("coefanim-view", arbitrate);
  document.addEventListener("visibilitychange", () => run(S));
  if (typeof IntersectionObserver === "undefined") { root.setAttribute("data-in-view", "1"); arbitrate(); return; }
  new IntersectionObserver((entries) => {
    S.inView = entries[entries.length - 1].isIntersecting;
    root.setAttribute("data-in-view", S.inView ? "1" : "0");
    document.dispatchEvent(new CustomEvent("coefanim-view"));
  }).observe(root);
}

function start(S) {
  const M = S.M, root = S.root;
  if (typeof DecompressionStream === "undefined") {
    const note = root.querySelector(".cav-nojs");
    if (note) note.textContent = "This browser cannot decompress the frames " +
      "(no DecompressionStream); this is the first frame.";
    return;
  }
  const fromHash = () => {
    const found = M.standalone && /[#&]t=(-?[0-9.]+)/.exec(location.hash);
    return found ? nearestTime(S, Number(found[1])) : null;
  };
  const hash = fromHash();
  if (M.standalone) {
    window.addEventListener("hashchange", () => {
      const k = fromHash();
      if (k !== null && S.base) { setPlay(S, false); show(S, k); }
    });
  }
  const reduce = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  root.setAttribute("data-auto", M.autoplay && hash === null && !reduce ? "1" : "0");
  // the pixels' maps, then frame 0: ready to describe what it draws
  (M.region ? inflate(M.region) : Promise.resolve(null)).then((r) => {
    S.region = r;
    return load(S, 0);
  }).then((fr) => {
    const o = fr.rects[0][4];
    S.baseIx = fr.data.slice(o, o + M.w * M.h);
    S.base = new Uint32Array(M.w * M.h);
    for (let i = 0; i < S.base.length; i++) S.base[i] = S.pal[S.baseIx[i]];
    S.px.set(S.base);
    S.ix.set(S.baseIx);
    if (S.poster) S.poster.hidden = true;  // the viewer takes the poster's place
    S.live.hidden = false;
    fit(S);
    window.addEventListener("resize", () => fit(S));
    if (typeof ResizeObserver !== "undefined" && root.parentElement)
      new ResizeObserver(() => fit(S)).observe(root.parentElement);
    root.setAttribute("data-ready", "1");
    return show(S, hash === null ? 0 : hash);
  }).then(() => watch(S));
}

// The butterfly panel (butterfly=True): every channel's time course under its
// map (M.butterfly: per panel its axes' box and pixel = a * value + b maps;
// the traces are M.values, the page's own). Hovering a trace names its
// channel; a click on a trace or a sensor highlights both (again: off),
// drawn over every frame on the canvas only (a saved PNG is the frame).
function butterfly(S) {
  const M = S.M, HIT = 4, RING = 5, COLOR = "#ff7f0e";
  let chosen = null;
  const at = (bf, k, c) =>
    [bf.xa * M.t[k] + bf.xb, bf.ya * M.values[bf.panel][k][c] + bf.yb];
  const boxAt = (x, y) => M.butterfly.find((b) => inside(b.box, x, y));
  function toSegment(x, y, a, b) {  // distance from (x, y) to segment a-b
    const dx = b[0] - a[0], dy = b[1] - a[1], d2 = dx * dx + dy * dy;
    const u = d2 ? Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / d2)) : 0;
    return Math.hypot(x - a[0] - u * dx, y - a[1] - u * dy);
  }
  function traceAt(bf, x, y) {  // the channel whose trace passes nearest, or null
    const k = nearestTime(S, (x - bf.xb) / bf.xa);
    const lo = Math.max(0, k - 1), hi = Math.min(S.n - 1, k + 1);
    let best = null, bd = HIT;
    for (let c = 0; c < M.names.length; c++) {
      const p = at(bf, lo, c);
      let d = S.n === 1 ? Math.hypot(x - p[0], y - p[1]) : Infinity;
      for (let j = lo; j < hi; j++) d = Math.min(d, toSegment(x, y, at(bf, j, c), at(bf, j + 1, c)));
      if (d <= bd) { bd = d; best = c; }
    }
    return best;
  }
  function sensorAt(x, y) {
    for (const m of M.maps) {
      if (!inside(m.box, x, y)) continue;
      for (let c = 0; c < m.pos.length; c++) {
        if (Math.hypot(m.pos[c][0] - x, m.pos[c][1] - y) <= RING) return c;
      }
    }
    return null;
  }
  S.hooks.frame.push(() => {  // the highlight, in frame pixels scaled to the canvas
    if (chosen === null) return;
    const ctx = S.ctx;
    ctx.save();
    ctx.scale(S.cv.width / M.w, S.cv.height / M.h);
    ctx.strokeStyle = COLOR;
    ctx.lineWidth = 2;
    for (const bf of M.butterfly) {
      const b = bf.box;
      ctx.save();
      ctx.beginPath();
      ctx.rect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
      ctx.clip();
      ctx.beginPath();
      for (let k = 0; k < S.n; k++) {
        const p = at(bf, k, chosen);
        if (k) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]);
      }
      ctx.stroke();
      ctx.restore();
    }
    for (const m of M.maps) {
      ctx.beginPath();
      ctx.arc(m.pos[chosen][0], m.pos[chosen][1], RING, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.restore();
  });
  S.hooks.describe.push((S, x, y) => {
    const bf = boxAt(x, y);
    if (!bf) return undefined;
    const c = traceAt(bf, x, y);
    if (c === null) return null;
    const i = nearestTime(S, (x - bf.xb) / bf.xa);
    const unit = M.units[bf.panel] ? " " + M.units[bf.panel] : "";
    return M.names[c] + ": " + fmt(M.values[bf.panel][i][c]) + unit + " at " + M.labels[i];
  });
  S.hooks.pointer.push((S, x, y, kind) => {
    if (kind !== "click") return false;
    const bf = boxAt(x, y), c = bf ? traceAt(bf, x, y) : sensorAt(x, y);
    if (!bf && c === null) return false;
    if (c !== null || chosen !== null) {
      chosen = c === null || c === chosen ? null : c;
      S.root.setAttribute("data-channel", chosen === null ? "" : M.names[chosen]);
      if (S.shown >= 0) present(S);
    }
    return true;
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", coefanimBoot);
else coefanimBoot();
