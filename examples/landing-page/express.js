'use strict';
// The landing page in an Express app:
//
//   npm install express miniprogram-links
//   WECHAT_APPID=wx… WECHAT_SECRET=… PUBLIC_URL=https://go.example.com node express.js
//   open http://127.0.0.1:3000/p/42
//
// The handler is a plain (req, res) function: Express passes its own req and
// res, which are node:http's with more on them.

const express = require('express');
const { landing } = require('./landing.js');

const app = express();
app.get('/p/:id', landing); // GET and HEAD
app.listen(Number(process.env.PORT || 3000), '127.0.0.1');
