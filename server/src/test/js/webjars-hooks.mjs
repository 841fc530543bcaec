// Module hooks for webjars.mjs: '/webjars/<path>' is read from the unpacked WebJars, and the page's files (in
// src/main/resources/web and the WebJars) are ES modules whatever Node would guess from their .js names.
const serverDir = new URL('../../../', import.meta.url);
const webjars = new URL('target/node-tests/webjars/META-INF/resources/webjars/', serverDir);
const pageFiles = [new URL('src/main/resources/web/', serverDir).href, webjars.href];

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('/webjars/')) {
    return nextResolve(new URL(specifier.slice('/webjars/'.length), webjars).href, context);
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (pageFiles.some((dir) => url.startsWith(dir))) {
    return nextLoad(url, { ...context, format: 'module' });
  }
  return nextLoad(url, context);
}
