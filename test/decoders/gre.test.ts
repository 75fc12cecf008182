// GRE: golden frames (plain, key + Ethernet, GRE in GRE, PPTP acknowledgement), checksum and source
// routes, every gre event, too_many_layers, GRE in a first fragment, resets, truncation sweep.
// PPP payloads: ppp.test.ts; ERSPAN: erspan.test.ts; Cisco MetaData: cisco-metadata.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_GRE } from '../../decoders/counters.js';
import {
  EV_GRE_PKT_TOO_SMALL, EV_GRE_VERSION0_HDR_TOO_BIG, EV_GRE_VERSION1_WRONG_PROTOCOL, EV_GRE_WRONG_VERSION,
  EV_TOO_MANY_LAYERS,
} from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { DecoderConfig, TUN_GRE } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, concat, edit, eventTotal, expectEvent, expectTruncated, golden, hex,
  put16, sweep,
} from './helpers.js';

// ja4/gre-sample.pcap frame 13; tcpdump -XX -nn -r ja4/gre-sample.pcap -c 13 (last packet):
// 00:06:18.802908 IP 172.27.1.66 > 66.59.109.137: GREv0, length 56: IP 66.59.111.190.40264 > 172.28.2.3.22: Flags [.], ack 1, win 5744, options [nop,nop,TS val 112272735 ecr 3998881], length 0
//   0x0000:  00c0 ca14 b052 0002 2d56 4afd 0800 4500  .....R..-VJ...E.
//   0x0010:  004c 0000 4000 ff2f 1e61 ac1b 0142 423b  .L..@../.a...BB;
//   0x0020:  6d89 0000 0800 4500 0034 55d7 4000 4006  m.....E..4U.@.@.
//   0x0030:  84d4 423b 6fbe ac1c 0203 9d48 0016 307f  ..B;o......H..0.
//   0x0040:  70e8 f956 5d99 8010 1670 3990 0000 0101  p..V]....p9.....
//   0x0050:  080a 06b1 255f 003d 04a1                 ....%_.=..
const GRE_IP = hex(`
00c0ca14b05200022d564afd08004500004c00004000ff2f1e61ac1b0142423b
6d89000008004500003455d74000400684d4423b6fbeac1c02039d480016307f
70e8f9565d9980101670399000000101080a06b1255f003d04a1
`);

// zeek/erspan.pcap frame 1; tcpdump -XX -nn -r zeek/erspan.pcap -c 1 (last packet):
// 09:38:53.472798 IP 10.200.0.3 > 10.200.0.224: GREv0, key=0x0, length 82: IP 192.168.69.10 > 192.168.69.2: ICMP echo request, id 1, seq 779, length 40
//   0x0000:  000c 2940 d0ad 0021 1c2e 4146 0800 4500  ..)@...!..AF..E.
//   0x0010:  0066 d13b 0000 3f2f 93bb 0ac8 0003 0ac8  .f.;..?/........
//   0x0020:  00e0 2000 6558 0000 0000 0050 5682 08d1  ....eX.....PV...
//   0x0030:  0050 5682 2b52 0800 4500 003c 03ad 0000  .PV.+R..E..<....
//   0x0040:  8001 2bb7 c0a8 450a c0a8 4502 0800 4a50  ..+...E...E...JP
//   0x0050:  0001 030b 6162 6364 6566 6768 696a 6b6c  ....abcdefghijkl
//   0x0060:  6d6e 6f70 7172 7374 7576 7761 6263 6465  mnopqrstuvwabcde
//   0x0070:  6667 6869                                fghi
const GRE_TEB_KEY = hex(`
000c2940d0ad00211c2e4146080045000066d13b00003f2f93bb0ac800030ac8
00e020006558000000000050568208d1005056822b5208004500003c03ad0000
80012bb7c0a8450ac0a8450208004a500001030b6162636465666768696a6b6c
6d6e6f7071727374757677616263646566676869
`);

// zeek/gre-within-gre.pcap frame 235; tcpdump -XX -nn -r zeek/gre-within-gre.pcap -c 235 (last packet):
// 21:14:00.002928 IP 86.106.164.150 > 72.205.54.70: GREv0, length 80: IP 10.10.13.2 > 10.10.11.2: GREv0, length 56: IP 3.3.3.2.520 > 224.0.0.9.520: RIPv2, Response, length: 24
//   0x0000:  000f fedd 2242 001b d5ff 54d9 0800 4500  ...."B....T...E.
//   0x0010:  0064 5f02 0000 f42f ed54 566a a496 48cd  .d_..../.TVj..H.
//   0x0020:  3646 0000 0800 45c0 004c 5992 0000 fe2f  6F....E..LY..../
//   0x0030:  3619 0a0a 0d02 0a0a 0b02 0000 0800 45c0  6.............E.
//   0x0040:  0034 0000 0000 0211 d1eb 0303 0302 e000  .4..............
//   0x0050:  0009 0208 0208 0020 52e1 0202 0000 0002  ........R.......
//   0x0060:  0000 c0a8 0100 ffff ff00 0000 0000 0000  ................
//   0x0070:  0001                                     ..
const GRE_IN_GRE = hex(`
000ffedd2242001bd5ff54d90800450000645f020000f42fed54566aa49648cd
36460000080045c0004c59920000fe2f36190a0a0d020a0a0b020000080045c0
0034000000000211d1eb03030302e000000902080208002052e1020200000002
0000c0a80100ffffff000000000000000001
`);

// mercury/capture2.pcap frame 3378; tcpdump -XX -nn -r mercury/capture2.pcap -c 3378 (last packet):
// 13:51:00.721559 IP 20.0.0.2 > 20.0.0.1: GREv1, call 24, ack 6, no-payload, length 12
//   0x0000:  0009 e955 c01c 0014 0000 0200 0800 4500  ...U..........E.
//   0x0010:  0020 18d7 0000 402f 39d6 1400 0002 1400  ......@/9.......
//   0x0020:  0001 2081 880b 0000 0018 0000 0006       ..............
const GRE_V1_ACK = hex(`
0009e955c01c00140000020008004500002018d70000402f39d6140000021400
00012081880b0000001800000006
`);

// zeek/erspan.pcap frame 153; tcpdump -XX -nn -r zeek/erspan.pcap -c 153 (last packet):
// 09:40:55.819354 IP 10.200.0.3 > 10.200.0.224: GREv0, key=0x2000000, length 1480: IP truncated-ip - 1502 bytes missing! 192.168.69.2.80 > 192.168.69.10.49162: Flags [.], seq 1096:4016, ack 1946, win 250, length 2920: HTTP: HTTP/1.1 200 OK
//   0x0000:  000c 2940 d0ad 0021 1c2e 4146 0800 4500  ..)@...!..AF..E.
//   0x0010:  05dc e119 2000 3f2f 5e67 0ac8 0003 0ac8  ......?/^g......
//   0x0020:  00e0 2000 6558 0200 0000 0050 5682 2b52  ....eX.....PV.+R
//   0x0030:  0050 5682 08d1 0800 4500 0b90 2cd6 4000  .PV.....E...,.@.
//   0x0040:  8006 b734 c0a8 4502 c0a8 450a 0050 c00a  ...4..E...E..P..
//   0x0050:  8857 76ed ebfc e427 5010 00fa 0b64 0000  .Wv....'P....d..
//   0x0060:  4854 5450 2f31 2e31 2032 3030 204f 4b0d  HTTP/1.1.200.OK.
//   0x0070:  0a43 6163 6865 2d43 6f6e 7472 6f6c 3a20  .Cache-Control:.
//   0x0080:  7072 6976 6174 652c 206d 6178 2d61 6765  private,.max-age
//   0x0090:  3d30 0d0a 436f 6e74 656e 742d 5479 7065  =0..Content-Type
//   0x00a0:  3a20 7465 7874 2f68 746d 6c3b 2063 6861  :.text/html;.cha
//   0x00b0:  7273 6574 3d75 7466 2d38 0d0a 436f 6e74  rset=utf-8..Cont
//   0x00c0:  656e 742d 456e 636f 6469 6e67 3a20 677a  ent-Encoding:.gz
//   0x00d0:  6970 0d0a 4578 7069 7265 733a 204d 6f6e  ip..Expires:.Mon
//   0x00e0:  2c20 3331 2041 7567 2032 3031 3520 3230  ,.31.Aug.2015.20
//   0x00f0:  3a33 393a 3339 2047 4d54 0d0a 4c61 7374  :39:39.GMT..Last
//   0x0100:  2d4d 6f64 6966 6965 643a 2054 7565 2c20  -Modified:.Tue,.
//   0x0110:  3135 2053 6570 2032 3031 3520 3230 3a33  15.Sep.2015.20:3
//   0x0120:  393a 3339 2047 4d54 0d0a 5661 7279 3a20  9:39.GMT..Vary:.
//   0x0130:  4163 6365 7074 2d45 6e63 6f64 696e 670d  Accept-Encoding.
//   0x0140:  0a53 6572 7665 723a 204d 6963 726f 736f  .Server:.Microso
//   0x0150:  6674 2d49 4953 2f37 2e35 0d0a 5350 5265  ft-IIS/7.5..SPRe
//   0x0160:  7175 6573 7447 7569 643a 2030 3638 3838  questGuid:.06888
//   0x0170:  3531 622d 6165 3332 2d34 3632 312d 3837  51b-ae32-4621-87
//   0x0180:  3461 2d65 6566 3664 3161 6135 3536 390d  4a-eef6d1aa5569.
//   0x0190:  0a58 2d53 6861 7265 506f 696e 7448 6561  .X-SharePointHea
//   0x01a0:  6c74 6853 636f 7265 3a20 300d 0a58 2d41  lthScore:.0..X-A
//   0x01b0:  7370 4e65 742d 5665 7273 696f 6e3a 2032  spNet-Version:.2
//   0x01c0:  2e30 2e35 3037 3237 0d0a 5365 742d 436f  .0.50727..Set-Co
//   0x01d0:  6f6b 6965 3a20 6874 7470 2533 4125 3246  okie:.http%3A%2F
//   0x01e0:  2532 4631 3932 2532 4531 3638 2532 4536  %2F192%2E168%2E6
//   0x01f0:  3925 3245 3225 3246 4469 7363 6f76 6572  9%2E2%2FDiscover
//   0x0200:  793d 576f 726b 7370 6163 6553 6974 654e  y=WorkspaceSiteN
//   0x0210:  616d 653d 5548 4a70 6257 4679 6556 4e70  ame=UHJpbWFyeVNp
//   0x0220:  6447 553d 2657 6f72 6b73 7061 6365 5369  dGU=&WorkspaceSi
//   0x0230:  7465 5572 6c3d 6148 5230 6344 6f76 4c7a  teUrl=aHR0cDovLz
//   0x0240:  4535 4d69 3478 4e6a 6775 4e6a 6b75 4d67  E5Mi4xNjguNjkuMg
//   0x0250:  3d3d 2657 6f72 6b73 7061 6365 5369 7465  ==&WorkspaceSite
//   0x0260:  5469 6d65 3d4d 6a41 784e 5330 774f 5330  Time=MjAxNS0wOS0
//   0x0270:  784e 5651 794d 446f 304d 446f 7a4d 673d  xNVQyMDo0MDozMg=
//   0x0280:  3d3b 2065 7870 6972 6573 3d54 6875 2c20  =;.expires=Thu,.
//   0x0290:  3135 2d4f 6374 2d32 3031 3520 3230 3a34  15-Oct-2015.20:4
//   0x02a0:  303a 3332 2047 4d54 3b20 7061 7468 3d2f  0:32.GMT;.path=/
//   0x02b0:  5f76 7469 5f62 696e 2f44 6973 636f 7665  _vti_bin/Discove
//   0x02c0:  7279 2e61 736d 780d 0a58 2d50 6f77 6572  ry.asmx..X-Power
//   0x02d0:  6564 2d42 793a 2041 5350 2e4e 4554 0d0a  ed-By:.ASP.NET..
//   0x02e0:  4d69 6372 6f73 6f66 7453 6861 7265 506f  MicrosoftSharePo
//   0x02f0:  696e 7454 6561 6d53 6572 7669 6365 733a  intTeamServices:
//   0x0300:  2031 342e 302e 302e 3730 3135 0d0a 582d  .14.0.0.7015..X-
//   0x0310:  4d53 2d49 6e76 6f6b 6541 7070 3a20 313b  MS-InvokeApp:.1;
//   0x0320:  2052 6571 7569 7265 5265 6164 4f6e 6c79  .RequireReadOnly
//   0x0330:  0d0a 4461 7465 3a20 5475 652c 2031 3520  ..Date:.Tue,.15.
//   0x0340:  5365 7020 3230 3135 2032 303a 3430 3a33  Sep.2015.20:40:3
//   0x0350:  3220 474d 540d 0a43 6f6e 7465 6e74 2d4c  2.GMT..Content-L
//   0x0360:  656e 6774 683a 2033 3832 3039 0d0a 0d0a  ength:.38209....
//   0x0370:  1f8b 0800 0000 0000 0400 edbd 0760 1c49  .............`.I
//   0x0380:  9625 262f 6dca 7b7f 4af5 4ad7 e074 a108  .%&/m.{.J.J..t..
//   0x0390:  8060 1324 d890 4010 ecc1 88cd e692 ec1d  .`.$..@.........
//   0x03a0:  6947 2329 ab2a 81ca 6556 655d 6616 40cc  iG#).*..eVe]f.@.
//   0x03b0:  ed9d bcf7 de7b efbd f7de 7bef bdf7 ba3b  .....{....{....;
//   0x03c0:  9d4e 27f7 dfff 3f5c 6664 016c f6ce 4ada  .N'...?\fd.l..J.
//   0x03d0:  c99e 2180 aac8 1f3f 7e7c 1f3f 227e e3e4  ..!....?~|.?"~..
//   0x03e0:  f1ef faf4 cb93 37bf cfcb d374 de2e caf4  ......7....t....
//   0x03f0:  e557 4f9e 9f9d a41f 6ddf bdfb dd7b 2777  .WO.....m....{'w
//   0x0400:  ef3e 7df3 34fd bdbf fde6 8be7 e9ee 7827  .>}.4.........x'
//   0x0410:  7ddd d6c5 b4bd 7bf7 f4c5 47bf 71f2 d1bc  }.....{...G.q...
//   0x0420:  6d57 8fee debd baba 1a5f dd1b 57f5 c5dd  mW......._..W...
//   0x0430:  37af eebe 0398 5dbc a7bf 6e37 fcd2 78d6  7.....]...n7..x.
//   0x0440:  ce3e 3aa2 fef0 61fa 6e51 2e9b 47d5 671f  .>:...a.nQ..G.g.
//   0x0450:  adeb e5a3 663a cf17 59b3 bd28 a675 d554  ....f:..Y..(.u.T
//   0x0460:  e7ed f6b4 5a3c aace cf8b 69ae 3f3e 4acb  ....Z<....i.?>J.
//   0x0470:  6c79 f1d9 47f9 727b dd7c 94ce 8afa b38f  ly..G.r{.|......
//   0x0480:  cab6 1680 7936 3b7a bcc8 db8c 86d0 aeb6  ....y6;z........
//   0x0490:  f35f b42e 2e3f fbe8 f7de feea 78fb a45a  ._...?......x..Z
//   0x04a0:  acb2 b698 9404 615a 2ddb 7cd9 7ef6 d1d9  ......aZ-.|.~...
//   0x04b0:  e967 071f a577 f59d 65b6 c83f fbe8 f3d3  .g...w..e..?....
//   0x04c0:  17a7 af8e df7c f9ca 6bf7 85c1 277d 3dcf  .....|..k...'}=.
//   0x04d0:  eafc 6555 2cdb ee7b abba ba28 66de 4bae  ..eU,..{...(f.K.
//   0x04e0:  e9f8 bbf9 e465 56b7 2fb3 8b7c fcb4 9aae  .....eV./..|....
//   0x04f0:  17d4 c0bd efe3 7a22 6f6f bfb9 5ef9 88b6  ......z"oo..^...
//   0x0500:  f9bb f62e e875 984e 096c 93b7 9fad dbf3  .....u.N.l......
//   0x0510:  6d0f 791f c8e9 bb55 51e7 441d fbfe 0e37  m.y....UQ.D....7
//   0x0520:  6c8b b6cc 8950 3f46 ff7b 5917 8bac be7e  l....P?F.{Y....~
//   0x0530:  5db4 79ba 9d7e bb5a e4bf 7142 24bc 2b6d  ].y..~.Z..qB$.+m
//   0x0540:  1e97 c5f2 6d5a e7e5 671f 35ed 7599 37f3  ....mZ..g.5.u.7.
//   0x0550:  3c27 8c5b c24a 9199 3604 7f5e e7e7 9f7d  <'.[.J..6..^...}
//   0x0560:  74f7 f72f b3eb 6add 3677 7777 eedd bb2b  t../..j.6www...+
//   0x0570:  2fdc 7d83 a924 72df 6df2 ac9e cec7 f4c2  /.}..$r.m.......
//   0x0580:  ef51 e797 9fbd f9dd f79e cceb ecdd db76  .Q.............v
//   0x0590:  ba7b 7c70 bacc 3ebf 7ff1 f917 dffe 89df  .{|p..>.........
//   0x05a0:  fdde 53fa df47 778f 926f b2f3 abe2 6d61  ..S..Gw..o....ma
//   0x05b0:  bb5e 7df9 93ab 7afd 13df c9d6 df6e abdf  .^}...z......n..
//   0x05c0:  7b67 ff7c 5e7d fefa 987a a5ff 7dd3 1d4f  {g.|^}...z..}..O
//   0x05d0:  2bea 71df 75fd e93d 1af7 fa07 6ff2 d7df  +.q.u..=....o...
//   0x05e0:  99ee ed2d 7ff2 f317 3f75                 ...-....?u
const GRE_FIRST_FRAGMENT = hex(`
000c2940d0ad00211c2e41460800450005dce11920003f2f5e670ac800030ac8
00e02000655802000000005056822b520050568208d1080045000b902cd64000
8006b734c0a84502c0a8450a0050c00a885776edebfce427501000fa0b640000
485454502f312e3120323030204f4b0d0a43616368652d436f6e74726f6c3a20
707269766174652c206d61782d6167653d300d0a436f6e74656e742d54797065
3a20746578742f68746d6c3b20636861727365743d7574662d380d0a436f6e74
656e742d456e636f64696e673a20677a69700d0a457870697265733a204d6f6e
2c2033312041756720323031352032303a33393a333920474d540d0a4c617374
2d4d6f6469666965643a205475652c2031352053657020323031352032303a33
393a333920474d540d0a566172793a204163636570742d456e636f64696e670d
0a5365727665723a204d6963726f736f66742d4949532f372e350d0a53505265
7175657374477569643a2030363838383531622d616533322d343632312d3837
34612d6565663664316161353536390d0a582d5368617265506f696e74486561
6c746853636f72653a20300d0a582d4173704e65742d56657273696f6e3a2032
2e302e35303732370d0a5365742d436f6f6b69653a2068747470253341253246
253246313932253245313638253245363925324532253246446973636f766572
793d576f726b7370616365536974654e616d653d55484a706257467965564e70
6447553d26576f726b73706163655369746555726c3d6148523063446f764c7a
45354d6934784e6a67754e6a6b754d673d3d26576f726b737061636553697465
54696d653d4d6a41784e5330774f5330784e5651794d446f304d446f7a4d673d
3d3b20657870697265733d5468752c2031352d4f63742d323031352032303a34
303a333220474d543b20706174683d2f5f7674695f62696e2f446973636f7665
72792e61736d780d0a582d506f77657265642d42793a204153502e4e45540d0a
4d6963726f736f66745368617265506f696e745465616d53657276696365733a
2031342e302e302e373031350d0a582d4d532d496e766f6b654170703a20313b
2052657175697265526561644f6e6c790d0a446174653a205475652c20313520
53657020323031352032303a34303a333220474d540d0a436f6e74656e742d4c
656e6774683a2033383230390d0a0d0a1f8b0800000000000400edbd07601c49
9625262f6dca7b7f4af54ad7e074a10880601324d8904010ecc188cde692ec1d
69472329ab2a81ca6556655d661640cced9dbcf7de7befbdf7de7befbdf7ba3b
9d4e27f7dfff3f5c6664016cf6ce4adac99e2180aac81f3f7e7c1f3f227ee3e4
f1effaf4cb9337bfcfcbd374de2ecaf4e5574f9e9f9da41f6ddfbdfbdd7b2777
ef3e7df334fdbdbffde68be7e9ee78277dddd6c5b4bd7bf7f4c547bf71f2d1bc
6d578feedebdbaba1a5fdd1b57f5c5dd37afeebe03985dbca7bf6e37fcd278d6
ce3e3aa2fef061fa6e512e9b47d5671fadebe5a3663acf1759b3bd28a675d554
e7edf6b45a3caacecf8b69ae3f3e4acb6c79f1d947f9727bdd7c94ce8afab38f
cab6168079363b7abcc8db8c86d0aeb6f35fb42e2e3ffbe8f7defeea78fba45a
acb2b6989404615a2ddb7cd97ef6d1d9e967071fa577f59d65b6c83ffbe8f3d3
17a7af8edf7cf9ca6bf785c1277d3dcfeafc65552cdbee7babbaba2866de4bae
e9f8bbf9e46556b72fb38b7cfcb49aae17d4c0bdefe37a226f6fbfb95ef988b6
f9bbf62ee875984e096c93b79faddbf36d0f791fc8e9bb5551e7441dfbfe0e37
6c8bb6cc89503f46ff7b59178bacbe7e5db479ba9d7ebb5ae4bf714224bc2b6d
1e97c5f26d5ae7e5671f35ed759937f33c278c5bc24a919936047f5ee7e79f7d
74f7f72fb3eb6add36777777eeddbb2b2fdc7d83a92472df6df2ac9ecec7f4c2
ef51e7979fbdf9ddf79eccebecdddb76ba7b7c70bacc3ebf7ff1f917dffe89df
fdde53fadf47778f926fb2f3abe26d61bb5e7df993ab7afd13dfc9d6df6eabdf
7b67ff7c5e7dfefa987aa5ff7dd31d4f2bea71df75fde93d1af7fa076ff2d7df
99eeed2d7ff2f3173f75
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for ja4/gre-sample.pcap frame 13 with the inner offsets moved by `shift` bytes of extra GRE header. */
function greIpFields(shift: number) {
  return {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 38 + shift, l3Length: 52, srcAddrOffset: 50 + shift, dstAddrOffset: 54 + shift,
    src: '66.59.111.190', dst: '172.28.2.3', ipProto: 6, ttl: 64, fragId: 0x55d7,
    l4Offset: 58 + shift, l4Length: 32, srcPort: 40264, dstPort: 22,
    tcpFlags: 0x010, tcpSeq: 813658344, tcpAck: 4183186841, tcpWindow: 5744, payloadOffset: 90 + shift, payloadLength: 0,
    tunnelDepth: 1, tunnelType: TUN_GRE, tunnelId: -1,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '172.27.1.66', outerDst: '66.59.109.137',
    outerProto: 47,
  };
}

test('golden: plain GRE (no key: tunnelId -1) carrying IPv4 TCP (tshark: gre.proto 0x0800, inner 40264 -> 22)', () => {
  const pkt = golden(GRE_IP, ETH, S_OK, greIpFields(0));
  assert.is(pkt.counters[C_GRE], 2);
});

test('golden: GRE with a key carrying Ethernet (0x6558) (tshark: gre.key 0, inner ICMP echo)', () => {
  golden(GRE_TEB_KEY, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 56, l3Length: 60, srcAddrOffset: 68, dstAddrOffset: 72,
    src: '192.168.69.10', dst: '192.168.69.2', ipProto: 1, ttl: 128, fragId: 0x03ad,
    l4Offset: 76, l4Length: 40, icmpType: 8, icmpCode: 0, payloadOffset: 84, payloadLength: 32,
    tunnelDepth: 1, tunnelType: TUN_GRE, tunnelId: 0,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '10.200.0.3', outerDst: '10.200.0.224',
    outerProto: 47,
  });
  const withKey = put16(put16(GRE_TEB_KEY, 38, 0xdead), 40, 0xbeef);
  assert.is(golden(withKey, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 56, l3Length: 60, srcAddrOffset: 68, dstAddrOffset: 72,
    src: '192.168.69.10', dst: '192.168.69.2', ipProto: 1, ttl: 128, fragId: 0x03ad,
    l4Offset: 76, l4Length: 40, icmpType: 8, icmpCode: 0, payloadOffset: 84, payloadLength: 32,
    tunnelDepth: 1, tunnelType: TUN_GRE, tunnelId: 0xdeadbeef,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '10.200.0.3', outerDst: '10.200.0.224',
    outerProto: 47,
  }).tunnelId, 0xdeadbeef, 'a 32-bit key stays unsigned');
});

test('golden: GRE in GRE (tshark: 86.106.164.150 -> 72.205.54.70, then 10.10.13.2 -> 10.10.11.2, inner RIP 520 -> 520)', () => {
  golden(GRE_IN_GRE, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 62, l3Length: 52, srcAddrOffset: 74, dstAddrOffset: 78,
    src: '3.3.3.2', dst: '224.0.0.9', ipProto: 17, ttl: 2, fragId: 0,
    l4Offset: 82, l4Length: 32, srcPort: 520, dstPort: 520, payloadOffset: 90, payloadLength: 24,
    tunnelDepth: 2, tunnelType: TUN_GRE, tunnelId: -1,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '86.106.164.150', outerDst: '72.205.54.70',
    outerProto: 47,
  });
});

/** tshark for mercury/capture2.pcap frame 3378: GREv1 (PPTP), call id 24, ack 6, payload length 0. */
const GRE_V1_ACK_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 14, l3Length: 32, srcAddrOffset: 26, dstAddrOffset: 30,
  src: '20.0.0.2', dst: '20.0.0.1', ipProto: 47, ttl: 64, fragId: 0x18d7,
  tunnelDepth: 1, tunnelType: TUN_GRE, tunnelId: 24,
  outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '20.0.0.2', outerDst: '20.0.0.1', outerProto: 47,
};

test('golden: PPTP enhanced GRE acknowledgement without payload (tunnelId is the call id)', () => {
  golden(GRE_V1_ACK, ETH, S_OK, GRE_V1_ACK_FIELDS);
});

test('checksum, sequence number and source routes move the payload', () => {
  const ip = GRE_IP.subarray(38);
  const build = (flags: number, extra: Uint8Array) => {
    const gre = concat(Uint8Array.from([flags, 0x00, 0x08, 0x00]), extra);
    return put16(concat(GRE_IP.subarray(0, 34), gre, ip), 16, 20 + gre.length + ip.length);
  };
  const zero4 = new Uint8Array(4);
  golden(build(0x80, zero4), ETH, S_OK, greIpFields(4)); // checksum + offset
  golden(build(0x10, zero4), ETH, S_OK, greIpFields(4)); // sequence number
  golden(build(0xb0, concat(zero4, hex('0000002a'), zero4)), ETH, S_OK, { ...greIpFields(12), tunnelId: 42 });
  // Routing: checksum/offset, one 4-byte IPv4 source route entry, then the null entry.
  const sre = concat(zero4, hex('0800 00 04'), hex('0a000001'), hex('0000 00 00'));
  golden(build(0x40, sre), ETH, S_OK, greIpFields(sre.length));
});

test('GRE in a first IP fragment is not decapsulated (no false ipv4.trunc_pkt from the partial inner packet)', () => {
  // tshark -o ip.defragment:FALSE: 1500-byte first fragment (mf 1, id 0xe119) of a GRE packet whose
  // inner IPv4 packet is 2960 bytes long.
  const pkt = golden(GRE_FIRST_FRAGMENT, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 1500, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.200.0.3', dst: '10.200.0.224', ipProto: 47, ttl: 63,
    fragId: 0xe119, fragOffset: 0, fragMore: true, isFragment: true,
  });
  assert.is(eventTotal(pkt), 0);
  assert.is(pkt.counters[C_GRE], 0);
});

test('every field is reset: GRE in GRE, then plain GRE, then a PPTP ack', () => {
  assertResets({ bytes: GRE_IN_GRE, linkType: ETH }, { bytes: GRE_IP, linkType: ETH });
  assertResets({ bytes: GRE_V1_ACK, linkType: ETH }, { bytes: GRE_TEB_KEY, linkType: ETH });
  assertResets({ bytes: GRE_FIRST_FRAGMENT, linkType: ETH }, { bytes: GRE_TEB_KEY, linkType: ETH });
});

test('gre.pkt_too_small: under 4 bytes, a key or PPTP header cut short; snap-length cuts are truncation', () => {
  expectEvent(put16(GRE_IP, 16, 23), ETH, EV_GRE_PKT_TOO_SMALL);
  expectEvent(put16(GRE_TEB_KEY, 16, 27), ETH, EV_GRE_PKT_TOO_SMALL); // key needs 8
  expectEvent(put16(GRE_V1_ACK, 16, 31), ETH, EV_GRE_PKT_TOO_SMALL); // v1 with ack needs 12
  for (const n of [34, 37]) expectTruncated(GRE_IP.slice(0, n), ETH, GRE_IP.length);
  for (const n of [38, 41]) expectTruncated(GRE_TEB_KEY.slice(0, n), ETH, GRE_TEB_KEY.length);
  for (const n of [41, 45]) expectTruncated(GRE_V1_ACK.slice(0, n), ETH, GRE_V1_ACK.length);
});

test('gre.wrong_version: versions 2 to 7; a snap-length cut does not excuse it', () => {
  for (const v of [2, 3, 7]) expectEvent(edit(GRE_IP, [35, v]), ETH, EV_GRE_WRONG_VERSION);
  expectEvent(edit(GRE_IP, [35, 2]).slice(0, 40), ETH, EV_GRE_WRONG_VERSION, S_INVALID, 40, 90);
});

test('gre.version0_hdr_too_big: optional fields or source routes past the GRE payload', () => {
  expectEvent(put16(edit(GRE_IP, [34, 0x10]), 16, 26), ETH, EV_GRE_VERSION0_HDR_TOO_BIG); // seq needs 8, 6 left
  expectEvent(put16(edit(GRE_IP, [34, 0x80]), 16, 27), ETH, EV_GRE_VERSION0_HDR_TOO_BIG); // checksum needs 8
  // Routing present but the entries never end inside the packet (the inner IP bytes as SREs).
  expectEvent(edit(GRE_IP, [34, 0x40]), ETH, EV_GRE_VERSION0_HDR_TOO_BIG);
  expectTruncated(edit(GRE_IP, [34, 0x40]).slice(0, 60), ETH, 90);
});

test('gre.version1_wrong_protocol: enhanced GRE carries only PPP (0x880b)', () => {
  expectEvent(put16(GRE_V1_ACK, 36, 0x0800), ETH, EV_GRE_VERSION1_WRONG_PROTOCOL);
  expectEvent(edit(GRE_IP, [35, 1]), ETH, EV_GRE_VERSION1_WRONG_PROTOCOL);
});

test('decoder.too_many_layers: GRE in GRE with one tunnel allowed', () => {
  const pkt = expectEvent(GRE_IN_GRE, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 114, 114, new DecoderConfig({ maxTunnelDepth: 1 }));
  assert.is(pkt.tunnelDepth, 1);
  golden(GRE_IP, ETH, S_OK, greIpFields(0), new DecoderConfig({ maxTunnelDepth: 1 }));
});

test('truncation sweep: plain, key + Ethernet, GRE in GRE, PPTP ack', () => {
  sweep({ bytes: GRE_IP, linkType: ETH }, [[0, S_TRUNCATED], [90, S_OK]], 90);
  sweep({ bytes: GRE_TEB_KEY, linkType: ETH }, [[0, S_TRUNCATED], [84, S_OK]], 116);
  sweep({ bytes: GRE_IN_GRE, linkType: ETH }, [[0, S_TRUNCATED], [90, S_OK]], 114);
  sweep({ bytes: GRE_V1_ACK, linkType: ETH }, [[0, S_TRUNCATED], [46, S_OK]], 46);
});

test.run();
