#!/usr/bin/env node
// JWT signing and verification with panva's `jose`, as an independent check of vckit.jose.
// Batch protocol: see batch.mjs.
//
// ops
//   sign    {header: {alg, kid, typ?, ...}, payload: {...}, privateJwk}      -> {token}
//   verify  {token, publicJwk, algorithms: [...], now: ISO date, typ?}
//                                     -> {verified, header, payload, errors}
// `verify` is jose.jwtVerify: signature, the allowed algorithm list, the JWT claim set
// (exp / nbf / iat as NumericDate, checked against `now`) and, if given, the "typ" header.

import * as jose from 'jose';

import {errorMessages, runBatch} from './batch.mjs';

const handlers = {
  async sign({header, payload, privateJwk}) {
    const key = await jose.importJWK(privateJwk, header.alg);
    const token = await new jose.SignJWT(payload).setProtectedHeader(header).sign(key);
    return {token};
  },

  async verify({token, publicJwk, algorithms, now, typ}) {
    try {
      const key = await jose.importJWK(publicJwk, algorithms[0]);
      const options = {algorithms, currentDate: new Date(now)};
      if(typ !== undefined) {
        options.typ = typ;
      }
      const {payload, protectedHeader} = await jose.jwtVerify(token, key, options);
      return {verified: true, header: protectedHeader, payload, errors: []};
    } catch(error) {
      return {verified: false, errors: errorMessages(error).map(
        m => error.code ? `${error.code}: ${m}` : m)};
    }
  }
};

await runBatch(handlers);
