// One grouped bar chart, as SVG text: a group per scenario, a bar per server, each group scaled to
// its own fastest server (the numbers are printed on the bars).

const COLORS: Record<string, string> = {
  service: "#2563eb",
  "bun-static": "#9ca3af",
  "bun-driver": "#f59e0b",
  fastify: "#10b981",
};
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function chart(groups: Record<string, Record<string, number>>, caption: string): string {
  const servers = Object.keys(COLORS);
  const names = Object.keys(groups);
  const barW = 34;
  const gap = 10;
  const groupW = servers.length * barW + 40;
  const top = 50;
  const h = 220;
  const width = Math.max(640, 60 + names.length * groupW);
  const height = top + h + 90;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(caption)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="20" y="22" font-size="14" font-weight="bold">${esc(caption)}</text>`,
  ];
  servers.forEach((s, i) => {
    const x = 20 + i * 120;
    out.push(`<rect x="${x}" y="32" width="10" height="10" fill="${COLORS[s]}"/>`);
    out.push(`<text x="${x + 14}" y="41">${esc(s)}</text>`);
  });
  names.forEach((name, g) => {
    const x0 = 40 + g * groupW;
    const max = Math.max(...Object.values(groups[name]!));
    let k = 0;
    for (const s of servers) {
      const v = groups[name]![s];
      if (v === undefined) continue;
      const bh = Math.max(1, (v / max) * h);
      const x = x0 + k * (barW + gap / 2);
      out.push(`<rect x="${x}" y="${top + h - bh}" width="${barW}" height="${bh}" fill="${COLORS[s]}"/>`);
      out.push(
        `<text x="${x + barW / 2}" y="${top + h - bh - 4}" text-anchor="middle">${v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0)}</text>`,
      );
      k++;
    }
    const words = name.split(" ");
    const lines = [
      words.slice(0, Math.ceil(words.length / 2)).join(" "),
      words.slice(Math.ceil(words.length / 2)).join(" "),
    ];
    lines.forEach((l, i) => {
      out.push(
        `<text x="${x0 + (k * (barW + gap / 2)) / 2}" y="${top + h + 18 + i * 14}" text-anchor="middle">${esc(l)}</text>`,
      );
    });
  });
  out.push(`<line x1="30" y1="${top + h}" x2="${width - 10}" y2="${top + h}" stroke="#333"/>`);
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
