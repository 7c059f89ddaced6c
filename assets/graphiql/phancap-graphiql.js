/*
 * phancap's GraphiQL page (served at GET /graphql).
 *
 * Runs with no network beyond this server: React, ReactDOM, GraphiQL and
 * graphql-ws are the UMD builds vendored next to this file (vendor.sh) and
 * loaded by index.html as globals React, ReactDOM, GraphiQL and graphqlWs.
 *
 * Queries and mutations go to POST /graphql as JSON, with the headers typed
 * in GraphiQL's Headers editor. Subscriptions go over the websocket at
 * /graphql/ws (graphql-transport-ws); the same headers travel in the
 * connection_init payload, which is where phancap reads the token.
 *
 * `?query=`, `?variables=` and `?operationName=` in the page's address set
 * the initial editors, and the address follows the query while it only
 * reads, so it can be shared. Mutations (a sign-in holds a password),
 * variables and headers (tokens) are never put in the address.
 *
 * window.phancapFetcher is the fetcher, for tests and the console.
 */
(function () {
  'use strict';

  var container = document.getElementById('graphiql');

  function showError(message) {
    container.textContent = '';
    var p = document.createElement('p');
    p.className = 'phancap-error';
    p.textContent = message;
    container.appendChild(p);
  }

  var missing = ['React', 'ReactDOM', 'GraphiQL', 'graphqlWs'].filter(function (name) {
    return !window[name];
  });
  if (missing.length > 0) {
    showError(
      'GraphiQL could not start: ' + missing.join(', ') + ' did not load.\n' +
      'phancap serves them under /graphiql/; the API itself still answers POST /graphql.'
    );
    return;
  }

  var httpUrl = location.origin + '/graphql';
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql/ws';

  var DEFAULT_QUERY = [
    '# phancap GraphiQL',
    '#',
    '# Public data needs no sign-in, like the query below.',
    '# To sign in, run',
    '#',
    '#   mutation {',
    '#     login(input: {username: "...", password: "..."}) {',
    '#       accessToken',
    '#     }',
    '#   }',
    '#',
    '# and put this in Headers (below):',
    '#',
    '#   {"Authorization": "Bearer <accessToken>"}',
    '#',
    '# Queries, mutations and subscriptions (these over',
    '# the websocket at /graphql/ws) are then sent with it.',
    '#',
    '# Ctrl-Enter runs, Ctrl-Space completes, and Docs',
    '# (on the left) shows the schema. The address bar',
    '# follows a query (never a mutation): share it.',
    '',
    '{',
    '  unitByCode(code: "19") {',
    '    id',
    '    code',
    '    name',
    '    validFrom',
    '  }',
    '}',
    ''
  ].join('\n');

  // ---- Which kind of operation is being run ---------------------------

  // From a parsed document (GraphiQL hands the fetcher its documentAST).
  function typeFromDocument(doc, operationName) {
    if (!doc || !Array.isArray(doc.definitions)) return null;
    var first = null;
    for (var i = 0; i < doc.definitions.length; i++) {
      var def = doc.definitions[i];
      if (def.kind !== 'OperationDefinition') continue;
      if (!operationName) return def.operation;
      if (def.name && def.name.value === operationName) return def.operation;
      if (!first) first = def.operation;
    }
    return operationName ? null : first;
  }

  // Without a parser: scans the top level of the document, skipping
  // comments, strings and everything nested in braces, brackets or
  // parentheses, and lists its operations as {type, name}.
  function scanOperations(source) {
    var ops = [];
    var depth = 0;
    var atDefinitionStart = true; // expecting a new top-level definition
    var current = null; // the operation whose header is being read
    var awaitingName = false;
    var i = 0;
    var n = source.length;
    while (i < n) {
      var c = source.charAt(i);
      if (c === '#') {
        while (i < n && source.charAt(i) !== '\n' && source.charAt(i) !== '\r') i++;
        continue;
      }
      if (c === '"') {
        if (source.substr(i, 3) === '"""') {
          i += 3;
          while (i < n && source.substr(i, 3) !== '"""') {
            i += source.substr(i, 4) === '\\"""' ? 4 : 1;
          }
          i += 3;
        } else {
          i++;
          while (i < n && source.charAt(i) !== '"' && source.charAt(i) !== '\n') {
            i += source.charAt(i) === '\\' ? 2 : 1;
          }
          i++;
        }
        continue;
      }
      if (c === '{' || c === '(' || c === '[') {
        if (depth === 0 && c === '{' && atDefinitionStart) {
          ops.push({ type: 'query', name: null }); // shorthand query
        }
        if (depth === 0) {
          if (c === '{') atDefinitionStart = false;
          awaitingName = false;
        }
        depth++;
        i++;
        continue;
      }
      if (c === '}' || c === ')' || c === ']') {
        if (depth > 0) depth--;
        if (depth === 0 && c === '}') {
          atDefinitionStart = true;
          current = null;
        }
        i++;
        continue;
      }
      if (/[_A-Za-z]/.test(c)) {
        var j = i + 1;
        while (j < n && /[_0-9A-Za-z]/.test(source.charAt(j))) j++;
        var word = source.slice(i, j);
        i = j;
        if (depth !== 0) continue;
        if (atDefinitionStart) {
          atDefinitionStart = false;
          if (word === 'query' || word === 'mutation' || word === 'subscription') {
            current = { type: word, name: null };
            ops.push(current);
            awaitingName = true;
          } else {
            current = null; // fragment or a type-system definition
            awaitingName = false;
          }
        } else if (awaitingName && current) {
          current.name = word;
          awaitingName = false;
        }
        continue;
      }
      if (depth === 0 && c !== ',' && !/\s/.test(c)) awaitingName = false; // e.g. '@'
      i++;
    }
    return ops;
  }

  function operationType(query, operationName, documentAST) {
    var doc = documentAST;
    var graphql = window.GraphiQL && window.GraphiQL.GraphQL;
    if (!doc && graphql && typeof graphql.parse === 'function') {
      try {
        doc = graphql.parse(query);
      } catch (e) {
        doc = null; // let the server report the syntax error
      }
    }
    var type = typeFromDocument(doc, operationName);
    if (type) return type;
    var ops = scanOperations(query);
    for (var i = 0; i < ops.length; i++) {
      if (!operationName || ops[i].name === operationName) return ops[i].type;
    }
    return 'query';
  }

  // ---- Transport --------------------------------------------------------

  function requestBody(params) {
    var body = { query: params.query };
    if (params.variables != null && params.variables !== '') body.variables = params.variables;
    if (params.operationName) body.operationName = params.operationName;
    if (params.extensions) body.extensions = params.extensions;
    return body;
  }

  function plainHeaders(headers) {
    var out = {};
    if (!headers || typeof headers !== 'object') return out;
    Object.keys(headers).forEach(function (key) {
      var value = headers[key];
      if (value === undefined || value === null) return;
      out[key] = typeof value === 'string' ? value : String(value);
    });
    return out;
  }

  function httpFetch(params, headers) {
    var sent = plainHeaders(headers);
    var hasContentType = Object.keys(sent).some(function (k) {
      return k.toLowerCase() === 'content-type';
    });
    if (!hasContentType) sent['Content-Type'] = 'application/json';
    return fetch(httpUrl, {
      method: 'POST',
      headers: sent,
      body: JSON.stringify(requestBody(params)),
      credentials: 'same-origin'
    }).then(function (response) {
      return response.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (e) {
          return {
            errors: [{
              message: 'HTTP ' + response.status + ' ' + response.statusText +
                ': the answer is not JSON: ' + text.slice(0, 500)
            }]
          };
        }
      });
    });
  }

  // graphql-ws reports failures as an Error, a CloseEvent, a bare Event or
  // the GraphQL errors of an `error` message; GraphiQL wants an Error.
  function asError(err) {
    if (err instanceof Error) return err;
    if (err && typeof err.code === 'number' && 'reason' in err) {
      return new Error('The subscription websocket closed (code ' + err.code + ')' +
        (err.reason ? ': ' + err.reason : ''));
    }
    if (err && typeof err.type === 'string') {
      return new Error('The subscription websocket failed (' + err.type + ') at ' + wsUrl);
    }
    return new Error(String(err));
  }

  function toSink(observer) {
    if (typeof observer === 'function') {
      return { next: observer, error: function () {}, complete: function () {} };
    }
    return {
      next: function (v) { if (observer && observer.next) observer.next(v); },
      error: function (e) { if (observer && observer.error) observer.error(e); },
      complete: function () { if (observer && observer.complete) observer.complete(); }
    };
  }

  // An Observable-like: each subscribe opens its own websocket client,
  // which is disposed of when the subscription ends either way.
  function wsSubscription(params, headers) {
    return {
      subscribe: function (observer) {
        var sink = toSink(observer);
        var finished = false;
        var client = window.graphqlWs.createClient({
          url: wsUrl,
          connectionParams: plainHeaders(headers),
          lazy: true,
          retryAttempts: 0
        });
        function finish() {
          if (finished) return false;
          finished = true;
          client.dispose();
          return true;
        }
        var cancel = client.subscribe(requestBody(params), {
          next: function (value) {
            if (!finished) sink.next(value);
          },
          error: function (err) {
            if (Array.isArray(err)) {
              // The server refused the operation: show it as a GraphQL result.
              if (!finished) sink.next({ errors: err });
              if (finish()) sink.complete();
              return;
            }
            if (finish()) sink.error(asError(err));
          },
          complete: function () {
            if (finish()) sink.complete();
          }
        });
        return {
          unsubscribe: function () {
            if (finished) return;
            cancel();
            finish();
          }
        };
      }
    };
  }

  function fetcher(params, opts) {
    params = params || {};
    opts = opts || {};
    var type = operationType(params.query || '', params.operationName, opts.documentAST);
    if (type === 'subscription') return wsSubscription(params, opts.headers);
    return httpFetch(params, opts.headers);
  }

  window.phancapFetcher = fetcher;

  // ---- The page's address -------------------------------------------------

  var search = new URLSearchParams(location.search);
  var initial = {
    query: search.get('query'),
    variables: search.get('variables'),
    operationName: search.get('operationName')
  };
  var state = {
    query: initial.query,
    variables: initial.variables,
    operationName: initial.operationName
  };
  var addressTimer = null;

  function updateAddress() {
    addressTimer = null;
    var next = new URLSearchParams(location.search);
    // Only reads travel in the address: a mutation (a sign-in, with its
    // password) or variables would land in the browser's history and in
    // the logs of every proxy on the way.
    var reads = state.query && scanOperations(state.query).every(function (op) {
      return op.type !== 'mutation';
    });
    ['query', 'variables', 'operationName'].forEach(function (key) {
      // The welcome text is not worth an address of its own.
      var keep = reads && key !== 'variables' && state[key] &&
        !(key === 'query' && state[key] === DEFAULT_QUERY);
      if (keep) next.set(key, state[key]);
      else next.delete(key);
    });
    var text = next.toString();
    var url = location.pathname + (text ? '?' + text : '') + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(history.state, '', url);
    }
  }

  function edited(key) {
    return function (value) {
      state[key] = value || null;
      if (addressTimer !== null) clearTimeout(addressTimer);
      addressTimer = setTimeout(updateAddress, 400);
    };
  }

  // ---- GraphiQL -----------------------------------------------------------

  var props = {
    fetcher: fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultEditorToolsVisibility: initial.variables ? 'variables' : 'headers',
    shouldPersistHeaders: false,
    onEditQuery: edited('query'),
    onEditVariables: edited('variables'),
    onEditOperationName: edited('operationName')
  };
  if (initial.query !== null) props.query = initial.query;
  if (initial.variables !== null) props.variables = initial.variables;
  if (initial.operationName !== null) props.operationName = initial.operationName;

  try {
    ReactDOM.createRoot(container).render(React.createElement(GraphiQL, props));
  } catch (e) {
    showError('GraphiQL could not start: ' + (e && e.message ? e.message : e));
  }
})();
