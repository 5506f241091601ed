// Copies the screens' static files next to their compiled scripts.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/web/renderer', { recursive: true });
for (const file of ['index.html', 'styles.css']) {
  copyFileSync(`src/renderer/${file}`, `dist/web/renderer/${file}`);
}
