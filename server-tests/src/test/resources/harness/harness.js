// Exposes the page's modules to browser tests (page.evaluate) without running the app.
import * as typewriter from '/web/typewriter.js';
import * as markdown from '/web/markdown.js';
import * as cardmodel from '/web/cardmodel.js';
import * as render from '/web/render.js';
import * as cardview from '/web/cardview.js';
import * as api from '/web/api.js';
import * as inspector from '/web/inspector.js';
import * as mentions from '/web/mentions.js';
import * as unread from '/web/unread.js';

window.ock = { typewriter, markdown, cardmodel, render, cardview, api, inspector, mentions, unread };
window.harnessReady = true;
