// IPv4: golden frames (options, Ethernet padding, first and last fragment), one test per ipv4 event,
// total length 0 (segmentation offload), truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_IPV4, C_IPV4_FRAG, C_OTHER_IP_PROTO, C_UDP } from '../../decoders/counters.js';
import {
  EV_IPV4_HLEN_TOO_SMALL, EV_IPV4_IPLEN_SMALLER_THAN_HLEN, EV_IPV4_OPT_INVALID_LEN, EV_IPV4_PKT_TOO_SMALL,
  EV_IPV4_TRUNC_PKT, EV_IPV4_WRONG_IP_VERSION,
} from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, decode, edit, expectEvent, expectTruncated, golden, hex,
  put16, sweep,
} from './helpers.js';

// mercury/quic_reordered_frames.pcap frame 696; tcpdump -XX -nn -r mercury/quic_reordered_frames.pcap -c 696 (last packet):
// 22:54:58.048790 IP 10.10.0.34 > 224.0.0.22: igmp v3 report, 1 group record(s)
//   0x0000:  0100 5e00 0016 0050 5682 086e 0800 46c0  ..^....PV..n..F.
//   0x0010:  0028 0000 4000 0102 f9cd 0a0a 0022 e000  .(..@........"..
//   0x0020:  0016 9404 0000 2200 fb02 0000 0001 0200  ......".........
//   0x0030:  0000 e000 00fb                           ......
const IGMP_RA = hex(`
01005e00001600505682086e080046c00028000040000102f9cd0a0a0022e000
0016940400002200fb020000000102000000e00000fb
`);

// zeek/get-to-ssh-server.pcap frame 9; tcpdump -XX -nn -r zeek/get-to-ssh-server.pcap -c 9 (last packet):
// 13:47:06.041811 IP 130.74.164.231.22 > 136.216.42.40.44338: Flags [R], seq 3563139098, win 0, length 0
//   0x0000:  b070 0d05 f6d8 409e a44f 5671 0800 4500  .p....@..OVq..E.
//   0x0010:  0028 0000 4000 3b06 659e 824a a4e7 88d8  .(..@.;.e..J....
//   0x0020:  2a28 0016 ad32 d461 301a 0000 0000 5004  *(...2.a0.....P.
//   0x0030:  0000 3649 0000 0000 0000 0000            ..6I........
const RST_PADDED = hex(`
b0700d05f6d8409ea44f5671080045000028000040003b06659e824aa4e788d8
2a280016ad32d461301a000000005004000036490000000000000000
`);

// ndpi/dns_fragmented.pcap frame 12; tcpdump -XX -nn -r ndpi/dns_fragmented.pcap -c 12 (last packet):
// 14:40:19.069732 IP 193.24.227.238 > 173.194.169.104: ip-proto-17
//   0x0000:  0086 9ce7 5514 000c 298a 5dd7 0800 4500  ....U...).]...E.
//   0x0010:  0026 e211 00b9 4011 9bca c118 e3ee adc2  .&....@.........
//   0x0020:  a968 0000 0f00 0800 0b00 0238 0020 0104  .h.........8....
//   0x0030:  701f 0b16                                p...
const FRAG_LAST = hex(`
00869ce75514000c298a5dd7080045000026e21100b940119bcac118e3eeadc2
a96800000f0008000b00023800200104701f0b16
`);

// ndpi/dns_fragmented.pcap frame 11; tcpdump -XX -nn -r ndpi/dns_fragmented.pcap -c 11 (last packet):
// 14:40:19.069715 IP 193.24.227.238.53 > 173.194.169.104.59464: 41341*- 2/3/9 A 194.247.4.10, RRSIG (1472)
//   0x0000:  0086 9ce7 5514 000c 298a 5dd7 0800 4500  ....U...).]...E.
//   0x0010:  05dc e211 2000 4011 76cd c118 e3ee adc2  ......@.v.......
//   0x0020:  a968 0035 e848 05da 85bf a17d 8410 0001  .h.5.H.....}....
//   0x0030:  0002 0003 0009 0366 6732 0877 6562 6572  .......fg2.weber
//   0x0040:  6c61 6202 6465 0000 0100 01c0 0c00 0100  lab.de..........
//   0x0050:  0100 0000 3c00 04c2 f704 0ac0 0c00 2e00  ....<...........
//   0x0060:  0100 0000 3c01 1f00 010a 0300 0000 3c5d  ....<.........<]
//   0x0070:  09fb 9d5c e26d 0d90 4708 7765 6265 726c  ...\.m..G.weberl
//   0x0080:  6162 0264 6500 4e6a 8a2f 25d8 943e e80b  ab.de.Nj./%..>..
//   0x0090:  5c23 9c97 4fcf 1af9 e692 681a 7ea1 f9b8  \#..O.....h.~...
//   0x00a0:  8463 1525 be38 2400 a606 56bd 8e91 4ccd  .c.%.8$...V...L.
//   0x00b0:  8bd7 4f65 9093 d7fc 175a ba39 05a7 5585  ..Oe.....Z.9..U.
//   0x00c0:  3365 6211 80f4 9f7d 0c75 1407 9344 2131  3eb....}.u...D!1
//   0x00d0:  5fc9 ea02 a91c 0e44 a388 37c1 7737 8dba  _......D..7.w7..
//   0x00e0:  d174 f9b9 1c0f 803b 699d 7f49 e884 5037  .t.....;i..I..P7
//   0x00f0:  71e0 eb7f 4049 551f ade1 a4c4 dd80 b748  q...@IU........H
//   0x0100:  f5a3 10f6 d547 2814 37f0 cf91 67ee 8c26  .....G(.7...g..&
//   0x0110:  e6f1 3744 fe84 c93a 8708 f911 4822 6fbd  ..7D...:....H"o.
//   0x0120:  93be 2dbe a7c9 1c11 4bf0 606e b4c0 8c80  ..-.....K.`n....
//   0x0130:  c1f6 0c4c b57b 3b18 82a5 9bf4 f6d6 2aaa  ...L.{;.......*.
//   0x0140:  6bf0 8cd0 adf2 f676 12bf 631b 8328 7e9e  k......v..c..(~.
//   0x0150:  10da 4e9e 1698 c299 7d1c cfe8 3286 2fe3  ..N.....}...2./.
//   0x0160:  32c7 bf3d dde9 0681 69da 40d7 991b 3077  2..=....i.@...0w
//   0x0170:  0534 1548 4245 2d42 f261 abec aadb d2a5  .4.HBE-B.a......
//   0x0180:  522c a4b1 7521 c04f 0002 0001 0000 003c  R,..u!.O.......<
//   0x0190:  000f 036e 7331 0877 6562 6572 646e 73c0  ...ns1.weberdns.
//   0x01a0:  58c0 4f00 0200 0100 0000 3c00 0603 6e73  X.O.......<...ns
//   0x01b0:  32c1 6cc0 4f00 2e00 0100 0000 3c01 1f00  2.l.O.......<...
//   0x01c0:  020a 0200 0000 3c5d 0a00 ec5c e26f 3590  ......<]...\.o5.
//   0x01d0:  4708 7765 6265 726c 6162 0264 6500 74a8  G.weberlab.de.t.
//   0x01e0:  c4da aa00 aca6 e21c 3d88 8f7f 7060 7d00  ........=...p`}.
//   0x01f0:  ecab 8b58 19f4 f442 55ad e4a2 4a21 345c  ...X...BU...J!4\
//   0x0200:  3080 9647 87f1 982c 47b9 6954 35e8 d0cf  0..G...,G.iT5...
//   0x0210:  699b 1a10 3345 295c c0ab 220f 853a 43eb  i...3E)\.."..:C.
//   0x0220:  a8a6 e098 8074 899a dfec d0e8 c33d fb9d  .....t.......=..
//   0x0230:  1780 4e33 0f7e 295c fce2 10dd ff86 9cb1  ..N3.~)\........
//   0x0240:  d0eb 1168 c0dd 8be7 cb27 e552 146b 0af9  ...h.....'.R.k..
//   0x0250:  d11f ee89 4095 3cd1 1304 bc80 084c c5b8  ....@.<......L..
//   0x0260:  abe9 b2b9 1b23 0fd0 7a41 f8de 7aaa 8250  .....#..zA..z..P
//   0x0270:  aaf1 e5bc 2d75 3781 d0d4 f880 7c71 8cfd  ....-u7.....|q..
//   0x0280:  ed1c 9e84 cfe0 7b4d a09b 38ce 53b4 d62a  ......{M..8.S..*
//   0x0290:  4c52 3b99 db29 7768 7ab2 7468 129b d8ec  LR;..)whz.th....
//   0x02a0:  c2b5 677a 27af 90de 9c3f dfe8 b079 de50  ..gz'....?...y.P
//   0x02b0:  47b7 a6af 8d6b bebb 0c14 3a1a 8b72 88bd  G....k....:..r..
//   0x02c0:  227d 88ea 46df ada7 5d45 660c fe47 0842  "}..F...]Ef..G.B
//   0x02d0:  239f 7d93 99b1 1527 9ca1 cafc d2cc c168  #.}....'.......h
//   0x02e0:  0001 0001 0000 0e10 0004 c118 e3ee c183  ................
//   0x02f0:  0001 0001 0000 0e10 0004 c2f7 050e c168  ...............h
//   0x0300:  001c 0001 0000 0e10 0010 2001 0470 765b  .............pv[
//   0x0310:  0000 0000 0000 0a25 0053 c183 001c 0001  .......%.S......
//   0x0320:  0000 0e10 0010 2001 0470 1f0b 16b0 0000  .........p......
//   0x0330:  0000 0a26 0053 c168 002e 0001 0000 0e10  ...&.S.h........
//   0x0340:  009f 0001 0803 0000 0e10 5d0a 2aaa 5ce2  ..........].*.\.
//   0x0350:  8fae 30f0 0877 6562 6572 646e 7302 6465  ..0..weberdns.de
//   0x0360:  00b1 4ace a323 87d0 734f 393b b5ed 5fb0  ..J..#..sO9;.._.
//   0x0370:  51a8 a24f 2158 fb47 d038 76a9 e2e6 90f8  Q..O!X.G.8v.....
//   0x0380:  82d3 4258 e390 e3d8 f011 5efe 3891 ab57  ..BX......^.8..W
//   0x0390:  df9b 4079 7838 8b1f 1066 cf9c d462 1c3d  ..@yx8...f...b.=
//   0x03a0:  ab53 6835 d97b a27b 0a06 63a0 444f f9e7  .Sh5.{.{..c.DO..
//   0x03b0:  0d3a 6277 bcd2 ed8f cb37 506a b95f 56fa  .:bw.....7Pj._V.
//   0x03c0:  e9aa 38a9 d64d e84f 035e 3629 3d6c 5e68  ..8..M.O.^6)=l^h
//   0x03d0:  3fba 2997 7bca d423 0664 4dcc e347 5780  ?.).{..#.dM..GW.
//   0x03e0:  8dc1 6800 2e00 0100 000e 1000 9f00 1c08  ..h.............
//   0x03f0:  0300 000e 105d 0a2a aa5c e28f ae30 f008  .....].*.\...0..
//   0x0400:  7765 6265 7264 6e73 0264 6500 410f b7f8  weberdns.de.A...
//   0x0410:  efa4 d619 4dac 547f f86a dd9e ad52 9b3a  ....M.T..j...R.:
//   0x0420:  5c10 3d62 edf6 e41c 32dc bba4 323b 4e9e  \.=b....2...2;N.
//   0x0430:  d931 678f 2bbc 5362 8fbf 48a2 adc4 6c6c  .1g.+.Sb..H...ll
//   0x0440:  426f 83c3 d045 4bb4 0e65 291e 94eb d8d8  Bo...EK..e).....
//   0x0450:  add6 ec87 5d5a 8662 2ae1 cd2f a012 4029  ....]Z.b*../..@)
//   0x0460:  5264 a5f8 a8a9 84d7 9190 a9a4 3e43 5849  Rd..........>CXI
//   0x0470:  c573 bfb7 7660 99b5 1ea7 edc7 4b44 c197  .s..v`......KD..
//   0x0480:  794d 1e7b b6e8 a9ff a7b4 6d32 c183 002e  yM.{......m2....
//   0x0490:  0001 0000 0e10 009f 0001 0803 0000 0e10  ................
//   0x04a0:  5d0a 2aaa 5ce2 8fae 30f0 0877 6562 6572  ].*.\...0..weber
//   0x04b0:  646e 7302 6465 0007 5b78 415b 8369 60e2  dns.de..[xA[.i`.
//   0x04c0:  2deb 9d5f bac9 0b76 55e6 22cc 6993 feb0  -.._...vU.".i...
//   0x04d0:  edee b5db 7bd1 af83 46ec edc0 b32a f877  ....{...F....*.w
//   0x04e0:  9cb3 5cee 57e4 c374 e8c6 ede1 da6f cdaa  ..\.W..t.....o..
//   0x04f0:  f009 364c 4b46 6aed 7f1c 3af1 ccb2 e259  ..6LKFj...:....Y
//   0x0500:  0784 bd8d 2cbd d8d7 d8ef a76a a6db 9999  ....,......j....
//   0x0510:  560c 1c27 2941 f439 6f93 445e aa07 a22f  V..')A.9o.D^.../
//   0x0520:  c135 1b22 99f9 b609 6f83 d6f9 7e39 7b06  .5."....o...~9{.
//   0x0530:  89ad d605 806b f8c1 8300 2e00 0100 000e  .....k..........
//   0x0540:  1000 9f00 1c08 0300 000e 105d 0a2a aa5c  ...........].*.\
//   0x0550:  e28f ae30 f008 7765 6265 7264 6e73 0264  ...0..weberdns.d
//   0x0560:  6500 b63b d514 5f06 276c d7c6 0ca9 f6f7  e..;.._.'l......
//   0x0570:  a435 7de6 f8c2 bfd8 104f 0757 83b2 88cf  .5}......O.W....
//   0x0580:  d85c 8ec5 82e0 b757 e2b0 8ae1 189c b3bc  .\.....W........
//   0x0590:  50e5 0681 34e0 d524 d779 6a5c f447 984c  P...4..$.yj\.G.L
//   0x05a0:  0dea f16c 4a73 56fa 2080 db3a 1300 9845  ...lJsV....:...E
//   0x05b0:  ecdd 4a93 f90b 70c9 171e a2f3 c0b6 495d  ..J...p.......I]
//   0x05c0:  7ab6 6a1c ea61 8d79 6532 4f2c 1ecc 0691  z.j..a.ye2O,....
//   0x05d0:  269a 0e84 7f00 bf5b a929 c849 05ca 7279  &......[.).I..ry
//   0x05e0:  ece6 0000 2910 0000 0080                 ....).....
const FRAG_FIRST = hex(`
00869ce75514000c298a5dd70800450005dce2112000401176cdc118e3eeadc2
a9680035e84805da85bfa17d8410000100020003000903666732087765626572
6c61620264650000010001c00c000100010000003c0004c2f7040ac00c002e00
010000003c011f00010a030000003c5d09fb9d5ce26d0d90470877656265726c
6162026465004e6a8a2f25d8943ee80b5c239c974fcf1af9e692681a7ea1f9b8
84631525be382400a60656bd8e914ccd8bd74f659093d7fc175aba3905a75585
3365621180f49f7d0c751407934421315fc9ea02a91c0e44a38837c177378dba
d174f9b91c0f803b699d7f49e884503771e0eb7f4049551fade1a4c4dd80b748
f5a310f6d547281437f0cf9167ee8c26e6f13744fe84c93a8708f91148226fbd
93be2dbea7c91c114bf0606eb4c08c80c1f60c4cb57b3b1882a59bf4f6d62aaa
6bf08cd0adf2f67612bf631b83287e9e10da4e9e1698c2997d1ccfe832862fe3
32c7bf3ddde9068169da40d7991b30770534154842452d42f261abecaadbd2a5
522ca4b17521c04f000200010000003c000f036e7331087765626572646e73c0
58c04f000200010000003c0006036e7332c16cc04f002e00010000003c011f00
020a020000003c5d0a00ec5ce26f3590470877656265726c61620264650074a8
c4daaa00aca6e21c3d888f7f70607d00ecab8b5819f4f44255ade4a24a21345c
3080964787f1982c47b9695435e8d0cf699b1a103345295cc0ab220f853a43eb
a8a6e0988074899adfecd0e8c33dfb9d17804e330f7e295cfce210ddff869cb1
d0eb1168c0dd8be7cb27e552146b0af9d11fee8940953cd11304bc80084cc5b8
abe9b2b91b230fd07a41f8de7aaa8250aaf1e5bc2d753781d0d4f8807c718cfd
ed1c9e84cfe07b4da09b38ce53b4d62a4c523b99db2977687ab27468129bd8ec
c2b5677a27af90de9c3fdfe8b079de5047b7a6af8d6bbebb0c143a1a8b7288bd
227d88ea46dfada75d45660cfe470842239f7d9399b115279ca1cafcd2ccc168
0001000100000e100004c118e3eec1830001000100000e100004c2f7050ec168
001c000100000e10001020010470765b0000000000000a250053c183001c0001
00000e100010200104701f0b16b0000000000a260053c168002e000100000e10
009f0001080300000e105d0a2aaa5ce28fae30f0087765626572646e73026465
00b14acea32387d0734f393bb5ed5fb051a8a24f2158fb47d03876a9e2e690f8
82d34258e390e3d8f0115efe3891ab57df9b407978388b1f1066cf9cd4621c3d
ab536835d97ba27b0a0663a0444ff9e70d3a6277bcd2ed8fcb37506ab95f56fa
e9aa38a9d64de84f035e36293d6c5e683fba29977bcad42306644dcce3475780
8dc168002e000100000e10009f001c080300000e105d0a2aaa5ce28fae30f008
7765626572646e7302646500410fb7f8efa4d6194dac547ff86add9ead529b3a
5c103d62edf6e41c32dcbba4323b4e9ed931678f2bbc53628fbf48a2adc46c6c
426f83c3d0454bb40e65291e94ebd8d8add6ec875d5a86622ae1cd2fa0124029
5264a5f8a8a984d79190a9a43e435849c573bfb7766099b51ea7edc74b44c197
794d1e7bb6e8a9ffa7b46d32c183002e000100000e10009f0001080300000e10
5d0a2aaa5ce28fae30f0087765626572646e7302646500075b78415b836960e2
2deb9d5fbac90b7655e622cc6993feb0edeeb5db7bd1af8346ecedc0b32af877
9cb35cee57e4c374e8c6ede1da6fcdaaf009364c4b466aed7f1c3af1ccb2e259
0784bd8d2cbdd8d7d8efa76aa6db9999560c1c272941f4396f93445eaa07a22f
c1351b2299f9b6096f83d6f97e397b0689add605806bf8c183002e000100000e
10009f001c080300000e105d0a2aaa5ce28fae30f0087765626572646e730264
6500b63bd5145f06276cd7c60ca9f6f7a4357de6f8c2bfd8104f075783b288cf
d85c8ec582e0b757e2b08ae1189cb3bc50e5068134e0d524d7796a5cf447984c
0deaf16c4a7356fa2080db3a13009845ecdd4a93f90b70c9171ea2f3c0b6495d
7ab66a1cea618d7965324f2c1ecc0691269a0e847f00bf5ba929c84905ca7279
ece60000291000000080
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for zeek/get-to-ssh-server.pcap frame 9: ip.len 40 in a 60-byte frame, tcp 22 -> 44338 RST. */
const RST_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 14, l3Length: 40, srcAddrOffset: 26, dstAddrOffset: 30,
  src: '130.74.164.231', dst: '136.216.42.40', ipProto: 6, ttl: 59, fragId: 0,
  l4Offset: 34, l4Length: 20, srcPort: 22, dstPort: 44338,
  tcpFlags: 0x004, tcpSeq: 3563139098, tcpAck: 0, tcpWindow: 0,
  payloadOffset: 54, payloadLength: 0,
};

test('golden: 24-byte header with a router-alert option, IGMP (tshark: ip.hdr_len 24, ip.proto 2, ttl 1)', () => {
  const pkt = golden(IGMP_RA, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 40, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.10.0.34', dst: '224.0.0.22', ipProto: 2, ttl: 1, fragId: 0,
  });
  assert.is(pkt.counters[C_IPV4], 2);
  assert.is(pkt.counters[C_OTHER_IP_PROTO], 2);
});

test('golden: Ethernet padding after the total length is not payload (tshark: ip.len 40 in 60 bytes)', () => {
  golden(RST_PADDED, ETH, S_OK, RST_FIELDS);
});

test('golden: first fragment, UDP header decoded (tshark -o ip.defragment:FALSE: mf 1, offset 0, udp 53 -> 59464)', () => {
  const pkt = golden(FRAG_FIRST, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 1500, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '193.24.227.238', dst: '173.194.169.104', ipProto: 17, ttl: 64,
    fragId: 0xe211, fragOffset: 0, fragMore: true, isFragment: true,
    l4Offset: 34, l4Length: 1480, srcPort: 53, dstPort: 59464,
    payloadOffset: 42, payloadLength: 1472, // the datagram (udp.length 1498) goes on in the next fragment
  });
  assert.is(pkt.counters[C_IPV4_FRAG], 2);
  assert.is(pkt.counters[C_UDP], 2);
});

test('golden: last fragment, no transport header (tshark: mf 0, frag_offset 185 (x8 = 1480 bytes))', () => {
  const pkt = golden(FRAG_LAST, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 38, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '193.24.227.238', dst: '173.194.169.104', ipProto: 17, ttl: 64,
    fragId: 0xe211, fragOffset: 1480, fragMore: false, isFragment: true,
  });
  assert.is(pkt.counters[C_IPV4_FRAG], 2);
  assert.is(pkt.counters[C_UDP], 0);
});

test('every field is reset: fragment then whole packet, options then none', () => {
  assertResets({ bytes: FRAG_FIRST, linkType: ETH }, { bytes: RST_PADDED, linkType: ETH });
  assertResets({ bytes: FRAG_LAST, linkType: ETH }, { bytes: FRAG_FIRST, linkType: ETH });
  assertResets({ bytes: IGMP_RA, linkType: ETH }, { bytes: RST_PADDED, linkType: ETH });
});

test('ipv4.pkt_too_small: under 20 bytes, or cut inside the options; snap-length cuts are truncation', () => {
  for (const n of [14, 15, 33]) {
    expectEvent(RST_PADDED.slice(0, n), ETH, EV_IPV4_PKT_TOO_SMALL);
    expectTruncated(RST_PADDED.slice(0, n), ETH, RST_PADDED.length);
  }
  for (const n of [34, 36, 37]) {
    expectEvent(IGMP_RA.slice(0, n), ETH, EV_IPV4_PKT_TOO_SMALL);
    expectTruncated(IGMP_RA.slice(0, n), ETH, IGMP_RA.length);
  }
});

test('ipv4.wrong_ip_version: EtherType 0x0800 with version 6 or 5; a snap-length cut does not excuse it', () => {
  expectEvent(edit(RST_PADDED, [14, 0x65]), ETH, EV_IPV4_WRONG_IP_VERSION);
  expectEvent(edit(RST_PADDED, [14, 0x55]), ETH, EV_IPV4_WRONG_IP_VERSION);
  expectEvent(edit(RST_PADDED, [14, 0x55]).slice(0, 40), ETH, EV_IPV4_WRONG_IP_VERSION, S_INVALID, 40, 60);
});

test('ipv4.hlen_too_small: IHL 0..4', () => {
  for (const ihl of [0, 1, 4]) expectEvent(edit(RST_PADDED, [14, 0x40 | ihl]), ETH, EV_IPV4_HLEN_TOO_SMALL);
  expectEvent(edit(RST_PADDED, [14, 0x44]).slice(0, 40), ETH, EV_IPV4_HLEN_TOO_SMALL, S_INVALID, 40, 60);
});

test('ipv4.iplen_smaller_than_hlen: total length 19, and 20 with a 24-byte header', () => {
  expectEvent(put16(RST_PADDED, 16, 19), ETH, EV_IPV4_IPLEN_SMALLER_THAN_HLEN);
  expectEvent(put16(IGMP_RA, 16, 20), ETH, EV_IPV4_IPLEN_SMALLER_THAN_HLEN);
  expectEvent(put16(IGMP_RA, 16, 23), ETH, EV_IPV4_IPLEN_SMALLER_THAN_HLEN);
});

test('ipv4.trunc_pkt: total length beyond an uncut frame; the same cut by the snap length decodes as far as it goes', () => {
  expectEvent(put16(RST_PADDED, 16, 47), ETH, EV_IPV4_TRUNC_PKT); // 14 + 47 > 60
  expectEvent(RST_PADDED.slice(0, 53), ETH, EV_IPV4_TRUNC_PKT);
  expectTruncated(RST_PADDED.slice(0, 53), ETH, 60); // cut inside the TCP header
  const pkt = new Packet();
  assert.is(decode(pkt, FRAG_FIRST.slice(0, 100), ETH, 100, 1514), S_OK, 'cut in the payload: headers decoded');
  assert.is(pkt.l3Length, 86);
  assert.is(pkt.payloadLength, 100 - 42);
});

test('ipv4.opt_invalid_len: bad option lengths are counted, the packet is still decoded (S_OK)', () => {
  // IGMP_RA options at 34..37: 94 04 00 00 (router alert, length 4).
  for (const [what, bytes] of [
    ['length 1', edit(IGMP_RA, [35, 1])],
    ['length 0', edit(IGMP_RA, [35, 0])],
    ['length past the header', edit(IGMP_RA, [35, 5])],
    ['kind with no room for a length', edit(IGMP_RA, [34, 1], [35, 1], [36, 1], [37, 0x94])],
  ] as const) {
    const pkt = expectEvent(bytes, ETH, EV_IPV4_OPT_INVALID_LEN, S_OK);
    assert.is(pkt.ipProto, 2, what);
    assert.is(pkt.l3Length, 40, what);
  }
  // End of list and no-ops are fine.
  golden(edit(IGMP_RA, [34, 1], [35, 1], [36, 0], [37, 0x55]), ETH, S_OK, {
    etherType: 0x0800, ipVersion: 4, l3Offset: 14, l3Length: 40, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.10.0.34', dst: '224.0.0.22', ipProto: 2, ttl: 1,
  });
});

test('total length 0 (segmentation offload): the captured length is the packet', () => {
  // The padded RST with its total length zeroed: everything after the header up to the end of the
  // frame (including the 6 padding bytes) is taken as TCP.
  golden(put16(RST_PADDED, 16, 0), ETH, S_OK, { ...RST_FIELDS, l3Length: 46, l4Length: 26, payloadLength: 6 });
  // Cut by the snap length inside the options: truncation, not ipv4.iplen_smaller_than_hlen.
  expectTruncated(put16(IGMP_RA, 16, 0).slice(0, 36), ETH, 54);
  expectEvent(put16(IGMP_RA, 16, 0).slice(0, 36), ETH, EV_IPV4_PKT_TOO_SMALL);
});

test('truncation sweep: options, padding, first and last fragment', () => {
  sweep({ bytes: IGMP_RA, linkType: ETH }, [[0, S_TRUNCATED], [38, S_OK]], 54);
  sweep({ bytes: RST_PADDED, linkType: ETH }, [[0, S_TRUNCATED], [54, S_OK]], 54);
  sweep({ bytes: FRAG_LAST, linkType: ETH }, [[0, S_TRUNCATED], [34, S_OK]], 52);
  sweep({ bytes: FRAG_FIRST, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 1514);
});

test.run();
