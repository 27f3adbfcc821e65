// The one writer of docs/PERFORMANCE.md's generated sections: each harness owns the text between
// its two markers and replaces it whole (appended at the end the first time).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PATH = join(import.meta.dir, "../../docs/PERFORMANCE.md");

export function writePerformanceSection(marker: string, section: string): void {
  const doc = readFileSync(PATH, "utf8");
  const block = `${marker}\n${section}${marker}`;
  const at = doc.indexOf(marker);
  const end = at < 0 ? -1 : doc.indexOf(marker, at + marker.length);
  writeFileSync(
    PATH,
    end < 0 ? `${doc.trimEnd()}\n\n${block}\n` : `${doc.slice(0, at)}${block}${doc.slice(end + marker.length)}`,
  );
}
