// Feishu card colour enum, light theme (card-json-v2.md Appendix A). Generated from the reference table.
/** Colour name → CSS hex value (light theme). `white` and `default` are handled by resolveColor. */
export const COLORS = Object.freeze({
  'bg-white': '#ffffff', 'blue': '#1456f0', 'blue-50': '#f0f4ff', 'blue-100': '#e0e9ff', 'blue-200': '#c2d4ff', 'blue-300': '#94b4ff',
  'blue-350': '#7aa2ff', 'blue-400': '#5083fb', 'blue-500': '#336df4', 'blue-600': '#1456f0', 'blue-700': '#0442d2', 'blue-800': '#002f9e',
  'blue-900': '#002270', 'carmine': '#b82879', 'carmine-50': '#fef0f8', 'carmine-100': '#fee2f2', 'carmine-200': '#f8c4e1', 'carmine-300': '#f598cc',
  'carmine-350': '#eb78b8', 'carmine-400': '#df58a5', 'carmine-500': '#cc398c', 'carmine-600': '#b82879', 'carmine-700': '#9d1562', 'carmine-800': '#730744',
  'carmine-900': '#550c35', 'green': '#1a7526', 'green-50': '#e4fae1', 'green-100': '#d0f5ce', 'green-200': '#95e599', 'green-300': '#5cd168',
  'green-350': '#35bd4b', 'green-400': '#32a645', 'green-500': '#258832', 'green-600': '#1a7526', 'green-700': '#0b6017', 'green-800': '#04430c',
  'green-900': '#022c07', 'indigo': '#4752e6', 'indigo-50': '#f2f3fd', 'indigo-100': '#e9eafb', 'indigo-200': '#cccff9', 'indigo-300': '#abb0f2',
  'indigo-350': '#959bee', 'indigo-400': '#757df0', 'indigo-500': '#5b65f5', 'indigo-600': '#4752e6', 'indigo-700': '#333dcc', 'indigo-800': '#1e27a4',
  'indigo-900': '#151b70', 'lime': '#5c6d08', 'lime-50': '#f2f8d3', 'lime-100': '#e3f0a3', 'lime-200': '#c8dd5f', 'lime-300': '#a2c10b',
  'lime-350': '#91ad00', 'lime-400': '#7b9207', 'lime-500': '#6b7f06', 'lime-600': '#5c6d08', 'lime-700': '#4a5804', 'lime-800': '#333d00',
  'lime-900': '#262e00', 'grey': '#646a73', 'grey-00': '#ffffff', 'grey-50': '#f5f6f7', 'grey-100': '#f2f3f5', 'grey-200': '#eff0f1',
  'grey-300': '#dee0e3', 'grey-350': '#d0d3d6', 'grey-400': '#bbbfc4', 'grey-500': '#8f959e', 'grey-600': '#646a73', 'grey-650': '#51565d',
  'grey-700': '#373c43', 'grey-800': '#2b2f36', 'grey-900': '#1f2329', 'grey-950': '#0f1114', 'grey-1000': '#000000', 'orange': '#a44904',
  'orange-50': '#fff3e5', 'orange-100': '#fee7cd', 'orange-200': '#fec48b', 'orange-300': '#ff9d4c', 'orange-350': '#ff811a', 'orange-400': '#ed6d0c',
  'orange-500': '#c25705', 'orange-600': '#a44904', 'orange-700': '#853a05', 'orange-800': '#642b02', 'orange-900': '#3b1a02', 'purple': '#7a35f0',
  'purple-50': '#f5f0fe', 'purple-100': '#efe6fe', 'purple-200': '#dcc9fd', 'purple-300': '#c8a9fc', 'purple-350': '#b791fa', 'purple-400': '#9f6ff1',
  'purple-500': '#8d55ed', 'purple-600': '#7a35f0', 'purple-700': '#611fd6', 'purple-800': '#4811a6', 'purple-900': '#2f0080', 'red': '#c02a26',
  'red-50': '#fef0f0', 'red-100': '#fee3e2', 'red-200': '#fdc6c4', 'red-300': '#f89e9b', 'red-350': '#ff7570', 'red-400': '#f54a45',
  'red-500': '#e22e28', 'red-600': '#c02a26', 'red-700': '#a11c17', 'red-800': '#741915', 'red-900': '#590603', 'sunflower': '#8f7c00',
  'sunflower-50': '#ffffdb', 'sunflower-100': '#fffca3', 'sunflower-200': '#fff67a', 'sunflower-300': '#fff258', 'sunflower-350': '#ffe928', 'sunflower-400': '#e5ce00',
  'sunflower-500': '#c2a800', 'sunflower-600': '#8f7c00', 'sunflower-700': '#5c4f00', 'sunflower-800': '#423700', 'sunflower-900': '#2c2502', 'turquoise': '#067062',
  'turquoise-50': '#e2f8f5', 'turquoise-100': '#c4f2ec', 'turquoise-200': '#6fe8d8', 'turquoise-300': '#33d6c0', 'turquoise-350': '#2dbeab', 'turquoise-400': '#10a893',
  'turquoise-500': '#0f8575', 'turquoise-600': '#067062', 'turquoise-700': '#045d51', 'turquoise-800': '#03443b', 'turquoise-900': '#02312a', 'violet': '#a630a6',
  'violet-50': '#fceefc', 'violet-100': '#f9e2f9', 'violet-200': '#f3c4f3', 'violet-300': '#e59ce5', 'violet-350': '#de81de', 'violet-400': '#cf5ecf',
  'violet-500': '#bf3dbf', 'violet-600': '#a630a6', 'violet-700': '#872787', 'violet-800': '#6a116a', 'violet-900': '#520052', 'wathet': '#076a94',
  'wathet-50': '#e7f8fe', 'wathet-100': '#caeffc', 'wathet-200': '#97dcfc', 'wathet-300': '#3ec3f7', 'wathet-350': '#25b0e7', 'wathet-400': '#1295ca',
  'wathet-500': '#047fb0', 'wathet-600': '#076a94', 'wathet-700': '#0f587a', 'wathet-800': '#06415c', 'wathet-900': '#072b3d', 'yellow': '#865b03',
  'yellow-50': '#fbf4df', 'yellow-100': '#faedc2', 'yellow-200': '#fcdf7e', 'yellow-300': '#fad355', 'yellow-350': '#ffc60a', 'yellow-400': '#d99904',
  'yellow-500': '#ad7a03', 'yellow-600': '#865b03', 'yellow-700': '#6f4a01', 'yellow-800': '#573601', 'yellow-900': '#382201',
});

const CSS_COLOR = /^(#[0-9a-fA-F]{3,8}|rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(,\s*(0|1|0?\.\d+)\s*)?\))$/;

/**
 * Resolves a card colour (enum name, a custom name from config.style.color, or an RGBA/hex value) to a CSS colour,
 * or null when it is `default`, unknown or malformed. Never returns anything but a plain colour value.
 */
export function resolveColor(name, customColors) {
  if (typeof name !== 'string') return null;
  const key = name.trim();
  if (key === '' || key === 'default') return null;
  if (key === 'white') return '#ffffff';
  if (Object.prototype.hasOwnProperty.call(COLORS, key)) return COLORS[key];
  const custom = customColors && Object.prototype.hasOwnProperty.call(customColors, key) ? customColors[key] : null;
  const candidate = custom && typeof custom === 'object' ? custom.light_mode : custom;
  if (typeof candidate === 'string' && CSS_COLOR.test(candidate.trim())) return candidate.trim();
  if (CSS_COLOR.test(key)) return key;
  return null;
}
