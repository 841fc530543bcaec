// Loads the page's modules in Node as the browser does (node --import ./webjars.mjs): as ES modules, with the
// absolute imports of the WebJars the page makes ('/webjars/markdown-it/…') read from the WebJars Maven unpacked
// into target/node-tests/webjars (server/pom.xml), so no test needs the network or npm.
import { register } from 'node:module';

register('./webjars-hooks.mjs', import.meta.url);
