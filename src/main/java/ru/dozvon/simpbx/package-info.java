/**
 * A simulated Asterisk 22 for demos and load: an AMI server over TCP ({@link ru.dozvon.simpbx.SimPbx}) that logs
 * Dozvon in as Asterisk does, answers the actions Dozvon sends on connect and resync, plays realistic calls shaped
 * on captured transcripts (PJSIP and Local channels) at a chosen rate and share of missed calls
 * ({@link ru.dozvon.simpbx.CallStream}), and answers Originate with the operator's and the customer's legs, the
 * customer answering by the last digit of the number ({@link ru.dozvon.simpbx.Customers}).
 * {@link ru.dozvon.simpbx.LoadGenerator} is the command-line load generator. Depends on no other Dozvon package.
 */
package ru.dozvon.simpbx;
