// Small helpers shared by the page's modules.

export const $ = (id: string) => document.getElementById(id) as HTMLElement;

export function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export const PLATFORM_LABELS: Record<string, string> = {
  unconfigured: '未配置',
  online: '在线',
  offline: '离线',
  auth_failed: '认证失败',
  misconfigured: '配置错误',
};
