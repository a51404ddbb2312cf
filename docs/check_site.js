// Injected by check_site.py into a copy of each page; runs after layout and writes
// what it finds, as JSON, into the data-lbp-layout attribute of <body>. MIN is
// replaced by the smallest text size allowed in a diagram (px).
window.addEventListener("load", () => setTimeout(() => {
  const problems = [];
  const say = (text) => problems.push(text);
  const vw = document.documentElement.clientWidth;
  const short = (t) => t.replace(/\s+/g, " ").trim().slice(0, 60);
  const article = document.querySelector("article") || document.body;
  article.querySelectorAll("svg").forEach((svg, k) => {
    if (svg.closest("button, .headerlink, label") || svg.getBoundingClientRect().width < 40) return;
    const name = "diagram " + (k + 1) + " (" + (svg.getAttribute("aria-label") || "svg") + ")";
    const box = svg.getBoundingClientRect();
    const parent = svg.parentElement.getBoundingClientRect();
    if (box.width > parent.width + 1) say(name + ": " + Math.round(box.width) + " px wide in a column of " + Math.round(parent.width) + " px");
    if (box.left < -1 || box.right > vw + 1) say(name + ": outside the window (" + Math.round(box.left) + " to " + Math.round(box.right) + " px)");
    const small = new Map();
    svg.querySelectorAll("text").forEach((t) => {
      if (!t.textContent.trim()) return;
      const m = t.getScreenCTM();
      const size = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
      if (size < MIN - 0.05) small.set(short(t.textContent), size);
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        say(name + ": text clipped by the diagram's edge: " + JSON.stringify(short(t.textContent)));
    });
    small.forEach((size, text) => say(name + ": text at " + size.toFixed(1) + " px (< " + MIN + "): " + JSON.stringify(text)));
    svg.querySelectorAll("rect, ellipse, polygon, path, circle").forEach((shape) => {
      const r = shape.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      if (r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 || r.bottom > box.bottom + 2)
        say(name + ": a " + shape.tagName + " is clipped by the diagram's edge");
    });
  });
  article.querySelectorAll("table").forEach((table, k) => {
    const column = (table.closest(".table-wrapper") || table).parentElement.getBoundingClientRect();
    const r = table.getBoundingClientRect();
    if (r.width > column.width + 1) {
      const head = short(table.querySelector("th, td") ? table.querySelector("th, td").textContent : "");
      say("table " + (k + 1) + " (" + head + "): " + Math.round(r.width) + " px wide in a column of " + Math.round(column.width) + " px");
    }
  });
  article.querySelectorAll("pre").forEach((pre, k) => {
    const style = getComputedStyle(pre);
    const r = pre.getBoundingClientRect();
    if (r.right > vw + 1) say("code block " + (k + 1) + ": outside the window");
    if (pre.scrollWidth > pre.clientWidth + 1 && !["auto", "scroll"].includes(style.overflowX))
      say("code block " + (k + 1) + ": wider than its column and cut off (overflow-x " + style.overflowX + ")");
  });
  const literal = /\b(True|False)\b|(?<![.!?:]\s|^|\(|\u201c|")\bNone\b/;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("pre, code, kbd, samp, .highlight, script, style, svg, .sig, .sig-param, span.pre, em.property, .headerlink")) continue;
    if (!el.closest("p, li, td, dd, th")) continue;
    const field = el.closest("dl.field-list > dd");
    const label = field && field.previousElementSibling ? field.previousElementSibling.textContent : "";
    if (/^(Type|Return type)/.test(label)) continue;  // a type annotation, not prose
    const text = node.textContent;
    const found = literal.exec(text);
    if (found) say("Python literal in prose: " + JSON.stringify(short(text.slice(Math.max(0, found.index - 30), found.index + 30))));
  }
  document.body.setAttribute("data-lbp-layout", JSON.stringify(problems));
}, 300));
