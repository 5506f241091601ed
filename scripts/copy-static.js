// Copies the screens' static files next to their compiled scripts.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/web/renderer', { recursive: true });
for (const file of ['index.html', 'styles.css']) {
  copyFileSync(`src/renderer/${file}`, `dist/web/renderer/${file}`);
}

// The hall console's page (its script is compiled into dist/web/hall).
mkdirSync('dist/web/hall', { recursive: true });
for (const file of ['index.html', 'hall.css']) {
  copyFileSync(`src/hall/web/${file}`, `dist/web/hall/${file}`);
}
