// The /docs page of Leida: Swagger UI over /openapi.json, with every
// "Try it out" request signed as the legacy contract wants (README, "Calling
// the API"): user_id, timestamp (milliseconds) and rand_str = lower-case hex
// MD5(timestamp + token), fresh for each request. Everything is served by
// the binary itself: no CDN.
(function () {
  'use strict';

  // ---- MD5 (RFC 1321) of a string's UTF-8 bytes, as lower-case hex.
  var S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
  var K = [];
  for (var i = 0; i < 64; i++) {
    K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
  }

  function md5(text) {
    var bytes = new TextEncoder().encode(text);
    var n = bytes.length;
    var words = new Int32Array((((n + 8) >>> 6) + 1) * 16);
    for (var j = 0; j < n; j++) {
      words[j >> 2] |= bytes[j] << ((j % 4) * 8);
    }
    words[n >> 2] |= 0x80 << ((n % 4) * 8);
    words[words.length - 2] = (n * 8) | 0;
    words[words.length - 1] = Math.floor(n / 536870912) | 0; // high bits of n*8
    var a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
    for (var off = 0; off < words.length; off += 16) {
      var a = a0, b = b0, c = c0, d = d0;
      for (var k = 0; k < 64; k++) {
        var f, g;
        if (k < 16) {
          f = (b & c) | (~b & d); g = k;
        } else if (k < 32) {
          f = (d & b) | (~d & c); g = (5 * k + 1) % 16;
        } else if (k < 48) {
          f = b ^ c ^ d; g = (3 * k + 5) % 16;
        } else {
          f = c ^ (b | ~d); g = (7 * k) % 16;
        }
        var t = d;
        d = c;
        c = b;
        var x = (a + f + K[k] + words[off + g]) | 0;
        b = (b + ((x << S[k]) | (x >>> (32 - S[k])))) | 0;
        a = t;
      }
      a0 = (a0 + a) | 0; b0 = (b0 + b) | 0; c0 = (c0 + c) | 0; d0 = (d0 + d) | 0;
    }
    var out = '';
    [a0, b0, c0, d0].forEach(function (w) {
      for (var s = 0; s < 4; s++) {
        out += ((w >>> (s * 8)) & 0xff).toString(16).padStart(2, '0');
      }
    });
    return out;
  }
  window.leidaMD5 = md5;

  // ---- the credentials, kept in this browser (localStorage).
  var KEY = 'leida.docs.credentials';
  var cred = {};
  try { cred = JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (e) { cred = {}; }

  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(cred)); } catch (e) { /* private mode */ }
    showState();
  }

  function el(id) { return document.getElementById(id); }

  function showState() {
    var user = cred.userId && cred.token ? 'signing as enterprise user ' + cred.userId : 'enterprise user: not set';
    var cust = cred.customerId && cred.customerToken ? 'customer ' + cred.customerId : 'customer: not set';
    el('leida-state').textContent = user + ' · ' + cust;
  }

  function bindPanel() {
    ['userId', 'token', 'customerId', 'customerToken'].forEach(function (name) {
      var input = el('leida-' + name);
      input.value = cred[name] || '';
      input.addEventListener('input', function () { cred[name] = input.value.trim(); save(); });
    });
    el('leida-login').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var body = new URLSearchParams();
      body.set('username', el('leida-username').value);
      body.set('password', el('leida-password').value);
      el('leida-login-result').textContent = '…';
      fetch('/zhugeleida/admin/login', { method: 'POST', body: body })
        .then(function (r) { return r.json(); })
        .then(function (env) {
          if (env.code === 200) {
            cred.userId = String(env.data.user_id);
            cred.token = env.data.token;
            el('leida-userId').value = cred.userId;
            el('leida-token').value = cred.token;
            save();
            el('leida-login-result').textContent = 'logged in';
          } else {
            el('leida-login-result').textContent = env.code + ' ' + (typeof env.msg === 'string' ? env.msg : JSON.stringify(env.msg));
          }
        })
        .catch(function (e) { el('leida-login-result').textContent = String(e); });
    });
    el('leida-forget').addEventListener('click', function () {
      cred = {};
      ['userId', 'token', 'customerId', 'customerToken'].forEach(function (name) { el('leida-' + name).value = ''; });
      save();
    });
    showState();
  }

  // ---- which principal signs a path: from the document's security.
  var routes = [];

  function learnRoutes(spec) {
    routes = [];
    var paths = spec.paths || {};
    Object.keys(paths).forEach(function (p) {
      var re = new RegExp('^' + p.split('/').map(function (seg) {
        return /^\{.*\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }).join('/') + '/?$');
      var item = paths[p];
      Object.keys(item).forEach(function (method) {
        var op = item[method];
        if (!op || typeof op !== 'object' || !op.responses) {
          return;
        }
        var kind = null;
        (op.security || []).forEach(function (req) {
          if ('userId' in req) { kind = 'user'; }
          if ('customerId' in req) { kind = 'customer'; }
        });
        routes.push({ re: re, method: method.toUpperCase(), kind: kind, any: !!item['x-leida-any-method'] });
      });
    });
  }

  function principalOf(path, method) {
    var found = null;
    routes.forEach(function (r) {
      if (r.re.test(path) && (r.method === method || (r.any && !found))) {
        found = r;
      }
    });
    return found && found.kind;
  }

  // sign adds a fresh timestamp and rand_str to a request of a signed route.
  function sign(req) {
    var u = new URL(req.url, window.location.href);
    if (u.origin !== window.location.origin) {
      return req;
    }
    var path;
    try { path = decodeURIComponent(u.pathname); } catch (e) { path = u.pathname; }
    var kind = principalOf(path, (req.method || 'GET').toUpperCase());
    var id = kind === 'customer' ? cred.customerId : cred.userId;
    var token = kind === 'customer' ? cred.customerToken : cred.token;
    if (!kind || !id || !token) {
      return req;
    }
    var ts = String(Date.now());
    u.searchParams.set('user_id', id);
    u.searchParams.set('timestamp', ts);
    u.searchParams.set('rand_str', md5(ts + token));
    req.url = u.toString();
    return req;
  }

  window.addEventListener('load', function () {
    bindPanel();
    window.ui = SwaggerUIBundle({
      url: '/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      validatorUrl: null,
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
      displayOperationId: false,
      presets: [SwaggerUIBundle.presets.apis],
      layout: 'BaseLayout',
      requestInterceptor: sign,
      onComplete: function () {
        learnRoutes(window.ui.specSelectors.specJson().toJS());
      }
    });
  });
})();
