// Copies the screens' static files next to their compiled scripts.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

mkdirSync('dist/web/renderer', { recursive: true });
for (const file of ['index.html', 'styles.css']) {
  copyFileSync(`src/renderer/${file}`, `dist/web/renderer/${file}`);
}

// The hall console's pages (their scripts are compiled into dist/web/hall).
mkdirSync('dist/web/hall', { recursive: true });
for (const file of readdirSync('src/hall/web').filter((f) => /\.(html|css)$/.test(f))) {
  copyFileSync(`src/hall/web/${file}`, `dist/web/hall/${file}`);
}
