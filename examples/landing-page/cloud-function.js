'use strict';
// The landing page from a WeChat cloud function behind the cloud environment's
// HTTP access service (云开发 HTTP 访问服务): the platform calls `main` with
// { httpMethod, path, headers, … } and sends back { statusCode, headers, body }.
// Map the function to a path such as /p in the console; PUBLIC_URL is then
// https://<env>.tcloudbaseapp.com. The handler writes into a response object
// of the same shape as node:http's, read back here.

const { landing } = require('./landing.js');

exports.main = (event) =>
  new Promise((resolve) => {
    const res = {
      writeHead(statusCode, headers) {
        this.statusCode = statusCode;
        this.headers = headers;
      },
      end(body) {
        resolve({ statusCode: this.statusCode, headers: this.headers, body: body ? body.toString('utf8') : '', isBase64Encoded: false });
      },
    };
    landing({ method: event.httpMethod, url: event.path }, res);
  });
