// How personal data may appear on a screen: masked, so a queue behind the citizen
// cannot read it (陈*英, 3505**********1234).

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function maskIdNumber(id: string): string {
  const chars = [...id.trim()];
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return `${chars.slice(0, 4).join('')}${'*'.repeat(chars.length - 8)}${chars.slice(-4).join('')}`;
}

export function maskPhone(phone: string): string {
  const chars = [...phone.trim()];
  if (chars.length <= 7) return '*'.repeat(chars.length);
  return `${chars.slice(0, 3).join('')}${'*'.repeat(chars.length - 7)}${chars.slice(-4).join('')}`;
}
